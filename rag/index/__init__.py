"""Writing and reading the index: chunking, duplicate detection, the store and its manifest."""
