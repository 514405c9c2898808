"""Failures of the settings file, the theme and the machine, each said in one line."""

import io

import jinja2
import pytest

from sitrep.failures import SettingsError, in_one_line, settings_problem, template_problem


def failing(failure: Exception):
    def command() -> int:
        raise failure

    return command


def test_a_file_system_failure_is_said_with_its_file_and_cause():
    stream = io.StringIO()
    failure = OSError(28, "No space left on device", "/srv/out/index.html")
    assert in_one_line(failing(failure), stream, "build failed: {}; out/ left as it was") == 1
    assert stream.getvalue() == "build failed: /srv/out/index.html: No space left on device; out/ left as it was\n"


def test_an_unreadable_settings_file_is_said_at_its_line(tmp_path):
    conf = tmp_path / "conf.py"
    conf.write_text("A = 1\nB = undefined_name\n")
    with pytest.raises(NameError) as raised:
        exec(compile(conf.read_text(), str(conf), "exec"), {})
    problem = settings_problem(conf, raised.value)
    assert problem.format() == f"{conf}:2: cannot read the settings: NameError: name 'undefined_name' is not defined"
    stream = io.StringIO()
    assert in_one_line(failing(SettingsError(problem)), stream, "{}") == 1
    assert stream.getvalue() == problem.format() + "\n"


def test_a_template_error_is_said_at_its_file_and_line(tmp_path):
    (tmp_path / "page.html").write_text("<p>\n{{ 1 +  }}\n</p>\n")
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path))
    with pytest.raises(jinja2.TemplateSyntaxError) as raised:
        environment.get_template("page.html")
    problem = template_problem(raised.value)
    assert (problem.path, problem.line) == ("page.html", 2)  # from the current folder (tmp_path)
    assert problem.message == "template error: TemplateSyntaxError: unexpected 'end of print statement'"
