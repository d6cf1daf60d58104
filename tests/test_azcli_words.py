"""Shell words by shell rules, each located where it is written (frontends/azcli/words.py)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from byocni_lint.frontends.azcli.words import Snippet, parse


def words_of(text: str, env=None):
    """(text, written) per word per command: `written` is the file text at the word's span."""
    return [[(w.text, text[w.start:w.end]) for w in command.words] for command in parse(Snippet.plain(text), env)]


def test_continuations_quotes_and_variables_keep_positions() -> None:
    text = 'RG=my-rg\nPOD="10.1.0.0/16"\naz aks create \\\n  -g $RG -n "aks-${RG}" \\\n  --pod-cidr \'x y\' ${POD}\n'
    [command] = words_of(text)
    assert command == [("az", "az"), ("aks", "aks"), ("create", "create"), ("-g", "-g"), ("my-rg", "$RG"),
                       ("-n", "-n"), ("aks-my-rg", "aks-${RG}"), ("--pod-cidr", "--pod-cidr"), ("x y", "x y"),
                       ("10.1.0.0/16", "${POD}")]


def test_export_default_and_unset_variables() -> None:
    text = "export A=1\necho $A ${B:-two} $C\n"
    [[_echo, a, b, c]] = [list(parse(Snippet.plain(text))[0].words)]
    assert (a.text, b.text, c.text) == ("1", "two", None)
    assert "$C is not set" in c.unknown


def test_assignments_inside_conditions_are_unknown() -> None:
    text = 'X=1\nif [ -n "$Y" ]; then X=2; fi\necho $X\n'
    commands = parse(Snippet.plain(text))
    assert commands[-1].words[1].text is None
    assert "condition" in commands[-1].words[1].unknown


def test_comments_heredocs_pipes_and_redirections_are_not_words() -> None:
    text = "az version # az aks create\ncat <<EOF > out\naz aks create --no\nEOF\naz group list 2>/dev/null | jq .\n"
    assert [[w for w, _ in c] for c in words_of(text)] == [["az", "version"], ["cat"], ["az", "group", "list"],
                                                            ["jq", "."]]


def test_unquoted_expansion_splits_into_fields() -> None:
    text = 'ARGS="--node-count 2"\naz aks create $ARGS "$ARGS"\n'
    [command] = words_of(text)
    assert command[3:] == [("--node-count", "$ARGS"), ("2", "$ARGS"), ("--node-count 2", "$ARGS")]


def test_command_substitution_is_unknown_without_a_handler() -> None:
    [command] = parse(Snippet.plain('az x --id "$(cat id.txt)"\n'))
    assert command.words[-1].text is None and command.words[-1].unknown == "the output of a command"


def _scan_char_by_char(snippet: Snippet):
    """The commands as the scanner reads them one character at a time (its runs switched off)."""
    import re

    import pytest

    from byocni_lint.frontends.azcli import words

    with pytest.MonkeyPatch.context() as patched:
        for name in ("_UNQUOTED_RUN", "_DOUBLE_QUOTED_RUN"):
            patched.setattr(words, name, re.compile("(?!)"))
        return _shape(parse(snippet))


def _shape(commands):
    return [(c.start, c.end, [(w.raw, [tuple(p.__dict__.values()) for p in w.pieces]) for w in c.words]) for c in commands]


_SHELL_BITS = ["az", " ", "aks", "--pod-cidr", "\t", "\n", "'", '"', "\\", "\\\n", "$X", "${Y:-d}", "$(echo a)", "`b`",
               ";", "|", "&&", "#c", "<", ">", "=", "A=1 ", "10.0.0.0/8", "é", "\ue000", "\ue001", "\uf8ff", "{", "}"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_SHELL_BITS), max_size=40), st.lists(st.integers(0, 50), max_size=60),
       st.lists(st.integers(0, 60), max_size=60))
def test_runs_of_plain_text_read_as_character_by_character(bits, offsets, ends) -> None:
    """Plain text is taken a run at a time: the words, pieces and positions are those of reading it one
    character at a time, also where offsets and ends do not grow (substituted template values)."""
    text = "".join(bits)
    for snippet in (Snippet.plain(text, 3),
                    Snippet(text, (offsets + list(range(len(text) + 1)))[:len(text) + 1], ["a placeholder"],
                            (ends + list(range(len(text))))[:len(text)])):
        assert _shape(parse(snippet)) == _scan_char_by_char(snippet)
