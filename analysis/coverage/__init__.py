"""Which areas of 法治政府建设 each document addresses: codebook, coder, coverage tables,
validity against the documents' own headings, keyword in context."""
