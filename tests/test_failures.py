"""Failures of the settings file, the theme and the machine, each said in one line."""

import io
import sys

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
    assert problem.format() == "conf.py:2: cannot read the settings: NameError: name 'undefined_name' is not defined"
    stream = io.StringIO()
    assert in_one_line(failing(SettingsError(problem)), stream, "{}") == 1
    assert stream.getvalue() == problem.format() + "\n"


def test_a_settings_file_in_the_current_folder_is_named_from_it(tmp_path):
    conf = tmp_path / "conf.py"
    conf.write_text("A = (\n")
    with pytest.raises(SyntaxError) as raised:
        compile(conf.read_text(), str(conf), "exec")
    problem = settings_problem(conf, raised.value)
    assert (
        problem.format() == "conf.py:1: cannot read the settings: SyntaxError: '(' was never closed (conf.py, line 1)"
    )


def test_a_missing_settings_file_is_said_as_missing_not_at_a_frame_of_python(tmp_path):
    from sitrep.build import read_settings

    # the current folder is tmp_path, where Python's loader frame '<frozen importlib._bootstrap_external>' resolved
    with pytest.raises(SettingsError) as raised:
        read_settings(tmp_path / "nonexist.py", tmp_path, tmp_path / "out")
    assert raised.value.problem.format() == "nonexist.py: cannot read the settings: no such file"


def test_a_template_error_is_said_at_its_file_and_line(tmp_path):
    (tmp_path / "page.html").write_text("<p>\n{{ 1 +  }}\n</p>\n")
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path))
    with pytest.raises(jinja2.TemplateSyntaxError) as raised:
        environment.get_template("page.html")
    problem = template_problem(raised.value)
    assert (problem.path, problem.line) == ("page.html", 2)  # from the current folder (tmp_path)
    assert problem.message == "template error: TemplateSyntaxError: unexpected 'end of print statement'"


@pytest.mark.parametrize(
    "helper, said",
    [
        ("A = 1\nB = 1 / 0\n", "2: cannot read the settings: ZeroDivisionError: division by zero"),
        ("A = 1\n\nB = (\n", "3: cannot read the settings: SyntaxError: '(' was never closed (pelicanconf.py, line 3)"),
    ],
)
def test_a_mistake_in_a_settings_file_it_imports_is_said_at_that_files_line(tmp_path, monkeypatch, helper, said):
    from sitrep.build import read_settings

    (tmp_path / "pelicanconf.py").write_text(helper)  # as publishconf.py imports pelicanconf.py
    conf = tmp_path / "publishconf.py"
    conf.write_text(f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\nfrom pelicanconf import *\n")
    monkeypatch.delitem(sys.modules, "pelicanconf", raising=False)  # the project's own, imported by other tests
    with pytest.raises(SettingsError) as raised:
        read_settings(conf, tmp_path, tmp_path / "out")
    assert raised.value.problem.format() == f"pelicanconf.py:{said}"  # from the current folder, tmp_path
