import extractors
import pipeline


def test_every_exported_name_resolves() -> None:
    for mod in (pipeline, extractors):
        for name in mod.__all__:
            assert getattr(mod, name) is not None, (mod.__name__, name)


def test_exception_tree() -> None:
    for err in (pipeline.UnreadableInput, pipeline.BadFrontMatter, pipeline.StoreError,
                pipeline.GoldError, pipeline.RegistryError, pipeline.DatabaseBusy):
        assert issubclass(err, pipeline.DvkError)
    e = pipeline.UnreadableInput("the file is empty", path="a.txt", hint="give it text")
    assert str(e) == "a.txt: the file is empty (give it text)" and e.exit_code == 3


def test_a_busy_database_is_a_store_error_with_its_own_exit_code() -> None:
    assert issubclass(pipeline.DatabaseBusy, pipeline.StoreError)
    assert pipeline.DatabaseBusy("busy").exit_code == 6
