"""One village end to end and many in a batch: the study layer above sizing and economics."""
