"""The clients that talk to Azure: the HTTPS client, live ARM reads for preflight, and the catalog, price,
quota and ARM-shape syncs that write the repository's files."""
