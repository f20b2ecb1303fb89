"""After a deploy: `make check-deploy STAGE=…` reads the stack and says what is in place and what is missing."""
