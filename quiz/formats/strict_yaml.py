"""A strict, safe YAML reader that remembers where every value came from.

PyYAML's safe loader already refuses to build Python objects. On top of that this reader refuses
what makes a deck mean something other than it says: aliases (`*name`), explicit tags,
duplicate keys, and the YAML 1.1 booleans (`no`, `on`, `y`) that turn "Norway" into False.
Dates stay strings. Every mapping and list records the line of each of its items, so a problem
found later can be reported as `FILE:LINE`.
"""

from __future__ import annotations

import re
from typing import ClassVar

import yaml

from quiz.text import clean

_YAML11_BOOL_TAG = "tag:quiz,2026:yaml11-bool"
MAX_YAML_BYTES = 64 * 1024 * 1024


class YamlProblem(Exception):
    """A YAML file that cannot be read; `line` is 1-based."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class LocatedDict(dict):
    """A mapping that knows its own line and the line of each value."""

    line: int
    lines: dict


class LocatedList(list):
    """A list that knows its own line and the line of each item."""

    line: int
    lines: list


def line_of(container: object, key: object = None, default: int = 0) -> int:
    """The 1-based line of `container[key]` (or of the container), if known."""
    if key is None:
        return getattr(container, "line", default)
    lines = getattr(container, "lines", None)
    if isinstance(lines, dict):
        return lines.get(key, getattr(container, "line", default))
    if isinstance(lines, list) and isinstance(key, int) and 0 <= key < len(lines):
        return lines[key]
    return getattr(container, "line", default)


# libyaml parses and composes (several times faster than pure Python); the checks that need the
# node tree run over it before anything is constructed.
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DEFAULT_TAGS = {yaml.MappingNode: "tag:yaml.org,2002:map", yaml.SequenceNode: "tag:yaml.org,2002:seq"}


class _StrictLoader(_BASE):  # type: ignore[misc, valid-type]
    # Our own resolver table: YAML 1.2 core scalars only.
    yaml_implicit_resolvers: ClassVar[dict] = {}

    def check_tree(self, root: yaml.Node) -> None:
        """Refuse aliases (a node reached twice) and explicit tags that change a value's type."""
        seen: set[int] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                raise YamlProblem(node.start_mark.line + 1,
                                  "a value here is repeated by an alias (*name): aliases are not allowed")
            seen.add(id(node))
            if isinstance(node, yaml.ScalarNode):
                plain = not node.style  # None from PyYAML, "" from libyaml
                implicit = (plain, not plain)
                expected = self.resolve(yaml.ScalarNode, node.value, implicit)
            else:
                expected = _DEFAULT_TAGS[type(node)]
            if node.tag != expected and node.tag != _YAML11_BOOL_TAG:
                raise YamlProblem(node.start_mark.line + 1, f"explicit tags ({node.tag}) are not allowed")
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    stack.append(key)
                    stack.append(value)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            raise YamlProblem(node.start_mark.line + 1, "expected a mapping")
        result = LocatedDict()
        result.line = node.start_mark.line + 1
        result.lines = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem(key_node.start_mark.line + 1, "merge keys (<<) are not allowed")
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int)):
                raise YamlProblem(key_node.start_mark.line + 1, "keys must be plain text")
            if key in result:
                raise YamlProblem(
                    key_node.start_mark.line + 1,
                    f"duplicate key {key!r} (first on line {result.lines[key]})",
                )
            result[key] = self.construct_object(value_node, deep=True)
            result.lines[key] = value_node.start_mark.line + 1
        return result

    def construct_sequence(self, node, deep=False):
        result = LocatedList(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.lines = [child.start_mark.line + 1 for child in node.value]
        return result

    def construct_yaml_str(self, node):
        return clean(self.construct_scalar(node))

    def construct_yaml11_bool(self, node):
        raise YamlProblem(
            node.start_mark.line + 1,
            f"unquoted {node.value!r} is ambiguous (YAML 1.1 reads it as a boolean): "
            f"write \"{node.value}\" for text or true/false",
        )


def _construct_map(loader, node):
    return loader.construct_mapping(node)


def _construct_seq(loader, node):
    return loader.construct_sequence(node)


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_StrictLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_StrictLoader.add_constructor("tag:yaml.org,2002:str", _StrictLoader.construct_yaml_str)
_StrictLoader.add_constructor(_YAML11_BOOL_TAG, _StrictLoader.construct_yaml11_bool)
_StrictLoader.add_constructor(None, lambda loader, node: (_ for _ in ()).throw(
    YamlProblem(node.start_mark.line + 1, f"unsupported value of type {node.tag}")))

_RESOLVERS = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (_YAML11_BOOL_TAG, r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$", "yYnNoO"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", "-+0123456789"),
    ("tag:yaml.org,2002:float", r"^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?$", "-+.0123456789"),
]
for _tag, _pattern, _first in _RESOLVERS:
    _StrictLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def load_yaml(text: str) -> object:
    """Parse one YAML document strictly. Raises YamlProblem."""
    loader = _StrictLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        loader.check_tree(root)
        return loader.construct_document(root)
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlProblem(line, f"invalid YAML: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise YamlProblem(0, f"invalid YAML: {error}") from None
    except RecursionError:
        raise YamlProblem(0, "invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()
