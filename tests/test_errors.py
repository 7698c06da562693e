"""One error tree: every error the project raises on purpose is a RagError."""

import inspect

import ingest.loaders
import rag.errors
from rag.errors import InputError, LoadError, RagError


def test_every_error_class_is_a_rag_error_and_in_the_diagram():
    classes = [c for _, c in inspect.getmembers(rag.errors, inspect.isclass)]
    assert RagError in classes and len(classes) > 5
    for cls in classes:
        assert issubclass(cls, RagError), cls
        assert cls.__name__ in rag.errors.__doc__, cls


def test_load_error_is_an_input_error_still_importable_from_the_loaders():
    assert ingest.loaders.LoadError is LoadError
    assert issubclass(LoadError, InputError)
    assert issubclass(InputError, ValueError)  # callers catching ValueError keep working
