"""Reads application_objectives.yml, the reviewed mapping of applications to business objectives.

The one accepted shape maps each objective id to the applications that serve it, each with its
contribution weight, a YAML number from 0 to 1 (at most 4 decimals):

    objectives:
      OBJ-001:
        Slack: 0.4
        Zoom: 0.2
      OBJ-002: {}        # an objective no application serves yet

The file is walked as a YAML node tree rather than loaded into dicts: a plain load silently keeps
the last of two equal keys, and only the nodes know the line each problem is on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode

from connectors.errors import RecordError, SourceError
from connectors.files.schemas import FileSpec
from connectors.files.values import BadValueError, Converter, converter

_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_NULL_TAG = "tag:yaml.org,2002:null"


def read_application_objectives(
    spec: FileSpec, path: Path, source: str
) -> Iterator[pa.RecordBatch]:
    """Yield the mapping as (application, objective_id, contribution_weight) rows in file order.

    Raises `SourceError` when the file is not YAML of the documented shape, and `RecordError`
    naming the key path and line of every bad key or weight.
    """
    objectives = _objectives_node(path, source)
    sql_types = {column.name: column.sql_type for column in spec.columns}
    to_weight = converter(sql_types["contribution_weight"])
    problems: list[tuple[str, str, str]] = []
    rows = []
    objective_entries = _entries(objectives, f"{path.name}: objectives", "objective_id", problems)
    for objective, applications in objective_entries:
        if isinstance(applications, ScalarNode) and applications.tag == _NULL_TAG:
            continue
        record = f"{path.name}: objectives.{objective}"
        for application, weight in _entries(applications, record, "application", problems):
            try:
                value = _weight(weight, to_weight)
            except BadValueError as reason:
                problems.append((f"{record}.{application}", "contribution_weight", str(reason)))
                continue
            rows.append(
                {
                    "application": application,
                    "objective_id": objective,
                    "contribution_weight": value,
                }
            )
    if problems:
        raise RecordError(source, spec.entity, problems)
    if rows:
        yield pa.RecordBatch.from_pylist(rows, schema=spec.to_entity().schema)


def _objectives_node(path: Path, source: str) -> Node:
    try:
        with path.open(encoding="utf-8-sig") as handle:
            root = yaml.compose(handle, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        context = (
            f" ({exc.context} from line {_line(exc.context_mark)})" if exc.context_mark else ""
        )
        raise SourceError(
            source,
            f"{path.name} line {_line(exc.problem_mark)}: not valid YAML: {exc.problem}{context}",
        ) from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SourceError(source, f"{path.name}: not valid UTF-8 YAML: {exc}") from exc
    keys = [key.value for key, _ in root.value] if isinstance(root, MappingNode) else None
    if keys != ["objectives"]:
        found = f"the keys {keys}" if keys is not None else _kind(root)
        raise SourceError(
            source,
            f"{path.name}: expected the single top-level key 'objectives', mapping each"
            " objective id to its applications and their weights"
            f" (e.g. 'objectives: {{OBJ-001: {{Slack: 0.4}}}}'); found {found}",
        )
    return root.value[0][1]


def _entries(
    node: Node, record: str, field: str, problems: list[tuple[str, str, str]]
) -> Iterator[tuple[str, Node]]:
    """The (key, value) pairs of a mapping node, keys as written (`Yes` stays text, `007` keeps its
    zeros); a non-mapping, an empty or non-text key, or a repeated key is recorded as a problem."""
    if not isinstance(node, MappingNode):
        problems.append(
            (record, field, f"expected a mapping, found {_kind(node)} (line {_line(node)})")
        )
        return
    seen: dict[str, int] = {}
    for key_node, value in node.value:
        key = key_node.value.strip() if isinstance(key_node, ScalarNode) else ""
        if not key:
            problems.append((record, field, f"a key is empty or not text (line {_line(key_node)})"))
        elif key in seen:
            where = f"lines {seen[key]} and {_line(key_node)}"
            problems.append((f"{record}.{key}", field, f"is listed twice ({where})"))
        else:
            seen[key] = _line(key_node)
            yield key, value


def _weight(node: Node, to_weight: Converter) -> object:
    if not isinstance(node, ScalarNode) or node.tag not in _NUMBER_TAGS:
        if isinstance(node, ScalarNode) and node.tag == _NULL_TAG:
            raise BadValueError(f"weight is empty (line {_line(node)})")
        shown = f"'{node.value}'" if isinstance(node, ScalarNode) else _kind(node)
        raise BadValueError(f"weight {shown} is not a number (line {_line(node)})")
    number = SafeConstructor().construct_object(node)
    if not 0 <= number <= 1:
        raise BadValueError(f"weight {node.value} is not between 0 and 1 (line {_line(node)})")
    try:
        return to_weight(number)
    except BadValueError as reason:
        raise BadValueError(f"weight {reason} (line {_line(node)})") from None


def _kind(node: Node | None) -> str:
    if node is None:
        return "an empty file"
    if isinstance(node, ScalarNode):
        return f"the value '{node.value}'"
    return "a mapping" if isinstance(node, MappingNode) else "a list"


def _line(located: Node | yaml.Mark) -> int:
    mark = located.start_mark if isinstance(located, Node) else located
    return mark.line + 1
