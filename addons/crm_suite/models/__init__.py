# Models land here, one per file (see ../../../shared conventions in the README).
