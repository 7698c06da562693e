"""Evaluation: QA sets, metrics, the textbook baseline and threshold calibration.

Beside the runtime, not inside it: ``evals`` imports ``rag`` and ``ingest``; they never import it.
"""
