"""Safe YAML reading: plain data only, no aliases, no duplicate keys, clear errors."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from handouts.errors import DataError
from handouts.load import parsed_cache
from handouts.load.files import Unreadable, read_regular

MAX_YAML_BYTES = 2_000_000


@cache
def _strict_loader() -> type:
    """SafeLoader that also refuses aliases (no alias bombs) and duplicate keys (PyYAML is imported
    only when a file is parsed: a one-off command usually finds every file in ``parsed_cache``)."""
    import yaml

    class _StrictLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.constructor.ConstructorError(
                    None, None, "aliases (*name) are not allowed; write the value out", event.start_mark
                )
            return super().compose_node(parent, index)

        def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
            seen: set[object] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r}; keep only one", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    _StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _StrictLoader.construct_mapping)
    return _StrictLoader


def load_yaml(path: Path) -> Any:
    """Read one YAML file as plain data; raise DataError naming the file and line."""
    try:
        raw = read_regular(path, MAX_YAML_BYTES)
    except Unreadable as exc:
        raise DataError(str(exc), path=path) from None
    if len(raw) > MAX_YAML_BYTES:
        raise DataError(f"file is larger than {MAX_YAML_BYTES // 1_000_000} MB; is it the right file?", path=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"not UTF-8 text (bad byte at position {exc.start}); save the file as UTF-8", path=path
        ) from None
    key = hashlib.sha256(raw).hexdigest()
    found, data = parsed_cache.get(key)
    if found:
        return data
    import yaml

    try:
        data = yaml.load(text, Loader=_strict_loader())  # noqa: S506 - a SafeLoader subclass
        parsed_cache.put(key, data)
        return data
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise DataError(f"{problem}", path=path, row=line) from None
    except yaml.YAMLError as exc:
        raise DataError(f"invalid YAML: {exc}", path=path) from None
