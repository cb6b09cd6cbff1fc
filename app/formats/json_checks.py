"""Hygiene checks on parsed JSON that every JSON reader applies: duplicate keys, unpaired
surrogate escapes, nesting depth. Pure."""

import re

# After json.loads a properly paired "\ud83d\ude00" escape is one character, so any surrogate
# code point left in a string was unpaired; it cannot be stored as UTF-8.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# The only way a line can hold one: an escape \uD800-\uDFFF in its text.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class DuplicateKey(Exception):
    pass


def refuse_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    result: dict = {}
    for key, item in pairs:
        if key in result:
            raise DuplicateKey(key)
        result[key] = item
    return result


def find_lone_surrogate(value: object, path: str) -> str | None:
    """Path of the first string holding an unpaired surrogate ("" for the line itself)."""
    if isinstance(value, str):
        return path if _LONE_SURROGATE.search(value) else None
    if isinstance(value, dict):
        children = [(f"{path}.{key}" if path else key, key, item) for key, item in value.items()]
    elif isinstance(value, list):
        children = [(f"{path}[{index}]", "", item) for index, item in enumerate(value)]
    else:
        return None
    for child_path, key, item in children:
        if _LONE_SURROGATE.search(key):
            return path  # the key itself cannot be shown, so name the object holding it
        found = find_lone_surrogate(item, child_path)
        if found is not None:
            return found
    return None


# Deeper values would make later steps (storing `meta`, writing it back out) recurse past
# Python's limit; no real article's metadata comes near this.
MAX_NESTING = 32


def nesting_depth(value: object) -> int:
    """How deeply lists and objects nest in `value`, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            if depth > MAX_NESTING:
                return depth
            stack.extend((child, depth + 1) for child in item)
    return deepest
