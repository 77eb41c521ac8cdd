"""foundry-iac offline engine and command line: plan, check and report without cloud credentials."""
