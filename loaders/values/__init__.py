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

__all__ = [
    "IMEI",
    "PHONE",
    "POSTCODE",
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
    "written_date",
]
