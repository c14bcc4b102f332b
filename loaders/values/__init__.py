"""Value types: normalisers for identifiers (phones, VRMs, postcodes, IMEIs) and ISO dates."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from loaders.values.base import Cleaned, ValueType
    from loaders.values.dates import (
        DateParseError,
        parse_date,
        parse_date_option,
        parse_date_series,
        parse_datetime,
        parse_datetime_option,
        parse_datetime_series,
        written_date,
    )
    from loaders.values.imei import IMEI, ImeiType
    from loaders.values.phone import PHONE, PhoneType
    from loaders.values.postcode import POSTCODE, PostcodeType
    from loaders.values.vrm import VRM, VrmType

    #: The value types by the name the schema gives them (`id_type: phone` in pole.yaml).
    VALUE_TYPES: dict[str, ValueType]

#: Where each name lives. The submodules are imported when a name is first used, not with the
#: package: dates pull in pandas, and `show phone` (one value cleaned) must start without it.
_HOMES = {
    "Cleaned": "base",
    "ValueType": "base",
    **dict.fromkeys(
        (
            "DateParseError",
            "parse_date",
            "parse_date_option",
            "parse_date_series",
            "parse_datetime",
            "parse_datetime_option",
            "parse_datetime_series",
            "written_date",
        ),
        "dates",
    ),
    "IMEI": "imei",
    "ImeiType": "imei",
    "PHONE": "phone",
    "PhoneType": "phone",
    "POSTCODE": "postcode",
    "PostcodeType": "postcode",
    "VRM": "vrm",
    "VrmType": "vrm",
}


def __getattr__(name: str) -> Any:
    """A name of the package, imported from its submodule on first use (PEP 562)."""
    if name == "VALUE_TYPES":
        from loaders.values.imei import IMEI
        from loaders.values.phone import PHONE
        from loaders.values.postcode import POSTCODE
        from loaders.values.vrm import VRM

        types = {t.name: t for t in (PHONE, VRM, POSTCODE, IMEI)}
        globals()["VALUE_TYPES"] = types
        return types
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def value_type(name: str) -> ValueType:
    """The value type the schema names; a name with none is a KeyError listing the known ones."""
    types: dict[str, ValueType] = __getattr__("VALUE_TYPES")
    try:
        return types[name]
    except KeyError:
        raise KeyError(f"no value type {name!r}; known: {', '.join(sorted(types))}") from None


__all__ = [
    "IMEI",
    "PHONE",
    "POSTCODE",
    "VALUE_TYPES",
    "VRM",
    "Cleaned",
    "DateParseError",
    "ImeiType",
    "PhoneType",
    "PostcodeType",
    "ValueType",
    "VrmType",
    "parse_date",
    "parse_date_option",
    "parse_date_series",
    "parse_datetime",
    "parse_datetime_option",
    "parse_datetime_series",
    "value_type",
    "written_date",
]
