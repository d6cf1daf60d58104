"""Array functions, and the ones ARM lets work on arrays, strings and objects alike (ARM reference,
"Array functions": https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-array).

An array may hold unknown elements and still be known itself: `length(createArray(x, 'a'))` is 2
whatever `x` is. Only questions about the unknown elements' values (`contains`, `indexOf`) become
unknown, and only when the known elements do not already answer them.

Sizes are checked before anything is built (`bounded`), against the budget's `max_value_size` that the
Scope also applies to every result: a hostile template must stop with a budget error before it
allocates millions of elements or a gigabyte string, not after. ARM itself caps range() at 10000.
"""
from __future__ import annotations

from byocni_lint.evaluate.functions import arm_function
from byocni_lint.evaluate.functions.comparison import equal, integer, kleene, runtime_unknown
from byocni_lint.evaluate.functions.conversion import bounded, to_text
from byocni_lint.evaluate.references import RuntimeObject
from byocni_lint.evaluate.scope import LimitExceeded
from byocni_lint.model.values import Unknown, describe

MAX_RANGE_COUNT = 10_000  # "Must be non-negative integer up to 10000" (range() in the reference)


def _sequence(value: object, function: str) -> list | str:
    if not isinstance(value, (list, str)):
        raise TypeError(f"{function}() needs an array or a string, not {type(value).__name__}")
    return value


def array_arg(value: object, function: str) -> list:
    if not isinstance(value, list):
        raise TypeError(f"{function}() needs an array, not {type(value).__name__}")
    return value


@arm_function("array")
def array(scope, value):
    return value if isinstance(value, list) else [value]


@arm_function("createArray", accepts_unknown=True)
def create_array(scope, *items):
    return list(items)


@arm_function("length")
def length(scope, value):
    runtime = runtime_unknown(value)
    if runtime is not None:
        return runtime
    if not isinstance(value, (list, str, dict)):
        raise TypeError(f"length() needs an array, a string or an object, not {type(value).__name__}")
    return len(value)


@arm_function("empty")
def empty(scope, value):
    """Null counts as empty. A `reference()` object with declared properties is not empty; one without
    may still gain properties at deployment."""
    if value is None:
        return True
    if isinstance(value, RuntimeObject) and not value:
        return runtime_unknown(value)
    if not isinstance(value, (list, str, dict)):
        raise TypeError(f"empty() needs an array, a string or an object, not {type(value).__name__}")
    return len(value) == 0


@arm_function("contains")
def contains(scope, container, item):
    """Substrings are case-sensitive, object keys are not, array items compare as equals() does."""
    if isinstance(container, str):
        if isinstance(item, (list, dict)) or item is None:
            raise TypeError("contains() on a string needs a string or an integer to find")
        return to_text(item) in container
    if isinstance(container, dict):
        if not isinstance(item, str):
            raise TypeError(f"contains() on an object needs a property name, not {describe(item)}")
        key = item.lower()
        if any(str(name).lower() == key for name in container):
            return True
        if isinstance(container, RuntimeObject):
            return Unknown(f"whether {container.ref} has {describe(item)} is known only at deployment")
        return False
    return member(scope, array_arg(container, "contains"), item)


def member(scope, items: list, item: object) -> object:
    """Whether `item` is in `items`: true as soon as a known element matches, unknown if only an unknown
    comparison could make it so."""
    return kleene((equal(scope, element, item) for element in items), decisive=True)


def _position(scope, items: list, item: object, order) -> object:
    """The first index in `order` whose element equals `item`; an Unknown when an unknown comparison
    comes before any match (the match might be earlier); None when nothing matches."""
    pending = None
    for index in order:
        result = equal(scope, items[index], item)
        if result is True:
            return pending if pending is not None else index
        if isinstance(result, Unknown) and pending is None:
            pending = result
    return pending


@arm_function("indexOf")
def index_of(scope, container, item):
    """Strings: case-insensitive position; arrays: case-sensitive, as the reference states for each."""
    return _find(scope, container, item, last=False)


@arm_function("lastIndexOf")
def last_index_of(scope, container, item):
    return _find(scope, container, item, last=True)


def _find(scope, container: object, item: object, last: bool) -> object:
    if isinstance(container, str):
        if not isinstance(item, str):
            raise TypeError("indexOf() on a string needs a string to find")
        haystack, needle = container.lower(), item.lower()
        return haystack.rfind(needle) if last else haystack.find(needle)
    items = array_arg(container, "indexOf")
    order = range(len(items) - 1, -1, -1) if last else range(len(items))
    found = _position(scope, items, item, order)
    return -1 if found is None else found


@arm_function("first")
def first(scope, value):
    """Null for an empty array, '' for an empty string."""
    value = _sequence(value, "first")
    return value[0] if value else ("" if isinstance(value, str) else None)


@arm_function("last")
def last(scope, value):
    value = _sequence(value, "last")
    return value[-1] if value else ("" if isinstance(value, str) else None)


@arm_function("skip")
def skip(scope, value, count):
    """A count of 0 or less keeps everything; one past the end leaves nothing."""
    return _sequence(value, "skip")[max(integer(count, "numberToSkip"), 0):]


@arm_function("take")
def take(scope, value, count):
    return _sequence(value, "take")[:max(integer(count, "numberToTake"), 0)]


@arm_function("range")
def range_(scope, start, count):
    start, count = integer(start, "startIndex"), integer(count, "count")
    if count < 0:
        raise ValueError("range() needs a non-negative count")
    if count > MAX_RANGE_COUNT:
        raise LimitExceeded(f"range() of {count} items is over ARM's limit of {MAX_RANGE_COUNT}")
    if start + count > 2_147_483_647:
        raise ValueError("range() goes past 2147483647")
    return list(range(start, start + count))


@arm_function("flatten")
def flatten(scope, arrays):
    """One level: an array of arrays becomes one array, in order."""
    result: list = []
    for item in array_arg(arrays, "flatten"):
        if isinstance(item, Unknown):
            return Unknown(item.reason)
        bounded(scope, len(result) + len(array_arg(item, "flatten")), "flatten")
        result.extend(item)
    return result


@arm_function("indexFromEnd")
def index_from_end(scope, items, reverse_index):
    """`indexFromEnd(a, 1)` is the last element (Bicep's `a[^1]`)."""
    items = array_arg(items, "indexFromEnd")
    position = integer(reverse_index, "reverseIndex")
    if not 1 <= position <= len(items):
        raise IndexError(f"index {position} from the end is outside an array of {len(items)} items")
    return items[-position]


@arm_function("tryIndexFromEnd")
def try_index_from_end(scope, items, reverse_index):
    """indexFromEnd(), but null when the index is outside the array (Bicep's `a[?^1]`)."""
    if items is None:
        return None
    items = array_arg(items, "tryIndexFromEnd")
    position = integer(reverse_index, "reverseIndex")
    return items[-position] if 1 <= position <= len(items) else None


@arm_function("distinct")
def distinct(scope, items):
    """The array without repeated values, first occurrences kept; an element that is unknown is kept."""
    return unique(scope, array_arg(items, "distinct"))


def unique(scope, items) -> list:
    """Items without repeats (equal as equals() says), in first-seen order. Scalars go through a set, so
    that long arrays of names stay linear; objects, arrays and unknowns are compared one by one."""
    result: list = []
    seen: set = set()
    compound: list = []
    for item in items:
        key = _scalar_key(item)
        if key is None:
            if member(scope, compound, item) is True:
                continue
            compound.append(item)
        elif key in seen:
            continue
        else:
            seen.add(key)
        result.append(item)
    return result


def _scalar_key(value: object) -> tuple | None:
    if value is None or isinstance(value, bool):
        return ("literal", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, str):
        return ("string", str(value))
    return None
