"""The machine checks a translation must pass before it ships."""
import pytest

from app.services.translation_checks import check_plural_forms, check_translation


def codes(source, translation, **kwargs):
    return [problem.code for problem in check_translation(source, translation, **kwargs) if problem.blocking]


def test_a_faithful_translation_passes():
    source = 'Someone in danger now? <a href="%(tel)s">Call 911</a>'
    assert codes(source, 'Alguien en peligro ahora? <a href="%(tel)s">Llama al 911</a>') == []


def test_a_broken_placeholder_is_rejected():
    assert codes("You can send up to %(count)d photos.", "Puedes enviar hasta %(cuenta)d fotos.") == ["placeholders"]


@pytest.mark.parametrize("added", ['<script>alert(1)</script>', '<img src=x onerror="alert(1)">', '<a href="javascript:x">x</a>'])
def test_added_script_or_event_handler_is_rejected(added):
    assert "script" in codes("Report a concern", "Reportar " + added)


def test_a_changed_phone_number_is_rejected():
    assert codes("Call 911 now", "Llama al 112 ahora") == ["phone"]
    assert codes("Call 988", "اتصل بـ ٩٨٨") == ["phone"]  # Arabic-Indic digits cannot be dialled as written


def test_a_changed_link_is_rejected():
    assert "links" in codes("See https://988lifeline.org/", "Mira https://evil.example/")


def test_unbalanced_or_different_tags_are_rejected():
    assert codes("<strong>Stop</strong> now", "<strong>Para ahora") == ["markup"]
    assert codes('<a href="%(url)s">here</a>', '<a href="%(url)s" class="x">aquí</a>') == ["markup"]


def test_a_wrong_number_of_plural_forms_is_rejected():
    assert check_plural_forms(["día", "días"], 2) == []
    assert [p.code for p in check_plural_forms(["يوم", "أيام"], 6)] == ["plurals"]


def test_a_button_much_longer_than_the_english_gets_a_warning_not_a_block():
    problems = check_translation("Send", "Enviar este reporte al equipo de prevención ahora mismo", is_button=True)
    assert [(p.code, p.blocking) for p in problems] == [("length", False)]
