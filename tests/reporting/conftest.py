from tests.conftest import on_both_databases


def pytest_generate_tests(metafunc):
    on_both_databases(metafunc)
