from tests.smtp import smtp_server  # noqa: F401 - the fixture, for this app's tests
