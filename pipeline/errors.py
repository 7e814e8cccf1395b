"""Stable error codes for ingestion errors (counted by kind in ``ingestion_errors``).

Like spaCy's ``errors.py``: one place, one code per kind, a message a person understands.
Codes never change meaning; new kinds get new codes.
"""
from __future__ import annotations

from enum import Enum


class ErrorCode(str, Enum):
    E001_EMPTY = "E001"
    E002_UNSUPPORTED_TYPE = "E002"
    E003_CORRUPT_PDF = "E003"
    E004_ENCRYPTED_PDF = "E004"
    E005_NO_TEXT_LAYER = "E005"
    E006_BAD_ENCODING = "E006"
    E007_NOT_FRENCH = "E007"
    E008_TOO_LARGE = "E008"
    E009_EXTRACTION_FAILED = "E009"
    E010_LOAD_FAILED = "E010"
    E011_UNREADABLE = "E011"
    E012_FETCH_FAILED = "E012"
    E013_SAME_AS_FAILED = "E013"


MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.E001_EMPTY: "The file is empty or holds no text.",
    ErrorCode.E002_UNSUPPORTED_TYPE: "Unsupported file type: only .pdf and .txt are read.",
    ErrorCode.E003_CORRUPT_PDF: "The PDF is damaged or not a PDF (cannot be opened).",
    ErrorCode.E004_ENCRYPTED_PDF: "The PDF is encrypted with a password.",
    ErrorCode.E005_NO_TEXT_LAYER: "The PDF has no text layer (scanned?) and OCR is not available.",
    ErrorCode.E006_BAD_ENCODING: "The text file is neither UTF-8 nor cp1252 text (binary data?).",
    ErrorCode.E007_NOT_FRENCH: "The text does not look like French.",
    ErrorCode.E008_TOO_LARGE: "The document exceeds the configured size limit.",
    ErrorCode.E009_EXTRACTION_FAILED: "An extractor failed on this document.",
    ErrorCode.E010_LOAD_FAILED: "Loading into the warehouse failed; the document was rolled back.",
    ErrorCode.E011_UNREADABLE: "The file cannot be read.",
    ErrorCode.E012_FETCH_FAILED: "The file could not be downloaded.",
    ErrorCode.E013_SAME_AS_FAILED: "The same bytes as another file of the batch, which failed.",
}


class IngestError(Exception):
    """A document-level failure with a stable code and the pipeline stage where it happened."""

    def __init__(self, code: ErrorCode, detail: str = "", stage: str = "parse"):
        self.code = code
        self.stage = stage
        self.detail = detail
        msg = MESSAGES[code]
        super().__init__(f"{code.value}: {msg}" + (f" ({detail})" if detail else ""))

    @property
    def message(self) -> str:
        return str(self)
