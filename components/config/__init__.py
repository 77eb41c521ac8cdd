"""The base every feature's config builds on: the shared pydantic base model and field checks (fields.py),
Azure's documented limits (limits.py) and the loaded config the args builders read (loaded.py).

The root that composes the features, loads and validates a stack file is components/stack/.
"""
