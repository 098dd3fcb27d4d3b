"""Run every contract of the backoffice_core conformance kit against the JSON-lines adapter."""

from backoffice_core.testing.suite import *  # noqa: F403
