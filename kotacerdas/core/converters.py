"""URL converters: a primary key is 1–18 digits, so a huge number is a 404 and never an overflow."""

from django.urls import register_converter

MAX_PK = 10**18 - 1  # the largest key the converter matches (18 digits): below every database's integer limit


class PrimaryKeyConverter:
    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(PrimaryKeyConverter, "pk")
