"""Value types: normalisers for identifiers (phones, VRMs, postcodes, IMEIs) and ISO dates."""

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
VALUE_TYPES: dict[str, ValueType] = {t.name: t for t in (PHONE, VRM, POSTCODE, IMEI)}


def value_type(name: str) -> ValueType:
    """The value type the schema names; a name with none is a KeyError listing the known ones."""
    try:
        return VALUE_TYPES[name]
    except KeyError:
        raise KeyError(f"no value type {name!r}; known: {', '.join(sorted(VALUE_TYPES))}") from None


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
