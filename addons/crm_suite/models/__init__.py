# Models land here, one per file.
