"""How each class of node looks: colour per class, shape per family, all derived from the ontology.

No class name is written here: the classes and their families (the root of each class's
`rdfs:subClassOf` chain) come from `kg.ontology`, so a class added there gets a look of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kg.ontology import edge_properties, node_classes, superclasses

#: Distinct, print-safe colours; classes take them in ontology order.
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#86bcb6", "#d37295", "#8cd17d", "#499894", "#f1ce63", "#a0cbe8", "#79706e",
)  # fmt: skip
#: A shape per family (families sorted by name), shown as a glyph in the landing page's table of types.
SHAPES = ("triangle", "hexagon", "square", "dot", "diamond", "triangleDown", "star")
#: What each shape looks like in the HTML legend.
GLYPHS = {
    "triangle": "\u25b2",
    "hexagon": "\u2b22",
    "square": "\u25a0",
    "dot": "\u25cf",
    "diamond": "\u25c6",
    "triangleDown": "\u25bc",
    "star": "\u2605",
}
UNKNOWN_COLOUR = "#bab0ac"


@dataclass(frozen=True)
class ClassStyle:
    name: str
    label: str
    color: str
    shape: str

    @property
    def glyph(self) -> str:
        return GLYPHS[self.shape]


@cache
def class_styles() -> dict[str, ClassStyle]:
    """The look of every node class, keyed by the class's local name."""
    classes = node_classes()
    families = sorted({superclasses(name)[-1] for name in classes})
    styles = {}
    for index, (name, term) in enumerate(classes.items()):
        shape = SHAPES[families.index(superclasses(name)[-1]) % len(SHAPES)]
        styles[name] = ClassStyle(name, term.label, PALETTE[index % len(PALETTE)], shape)
    return styles


def style_of(class_name: str) -> ClassStyle:
    """The look of a class; a class the ontology does not mark as a node gets a neutral dot."""
    return class_styles().get(class_name) or ClassStyle(class_name, class_name, UNKNOWN_COLOUR, "dot")


def predicate_label(predicate: str) -> str:
    """The ontology's label for an edge predicate (its local name when the ontology has none)."""
    term = edge_properties().get(predicate)
    return term.label if term else predicate


def legend(class_names: set[str]) -> list[dict[str, str]]:
    """Legend rows for the classes shown, in ontology order."""
    shown = [style_of(name) for name in class_styles() if name in class_names]
    shown += [style_of(name) for name in sorted(class_names - class_styles().keys())]
    return [{"type": s.name, "label": s.label, "color": s.color, "shape": s.shape, "glyph": s.glyph} for s in shown]
