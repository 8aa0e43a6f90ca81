"""Helpers the views call: one returns a constant, two pass their argument on."""


def constant(value):
    return "bar"


def identity(value):
    return value


def get_param(value, default):
    if value:
        return value
    return default


def wrap(value):
    return "<" + identity(value) + ">"


def wrap_constant(value):
    return constant(value)


class Holder:
    data = None


def validate(value):
    if not value.isalnum():
        raise ValueError(value)
