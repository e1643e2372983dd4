"""How alike the documents are and who shares what with whom: TF-IDF similarity, section
alignment, text reuse, keyness."""
