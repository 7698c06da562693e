"""Answering: retrieval, evidence selection, drafting, verification, composition, citation."""
