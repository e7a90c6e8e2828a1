"""The suites' fixtures: a confidential suite."""

import pytest

from tests.factories import SuiteFactory


@pytest.fixture
def safe_house(sussex):
    """Sussex's ABE suite, whose address only the police may know."""
    return SuiteFactory(
        code="safe-house",
        name="Sussex ABE Suite",
        force=sussex,
        address="1 Secret Lane, Somewhere",
        postcode="BN1 1AA",
        location_confidential=True,
    )
