"""Helpers shared by the model modules."""

import datetime as dt


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
