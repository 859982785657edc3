"""placeholder until the model extractor lands"""
from .layout import Layout
from .localities import Mention
from .records import Model


def extract_models(lay: Layout, mentions: list[Mention]) -> list[Model]:
    return []
