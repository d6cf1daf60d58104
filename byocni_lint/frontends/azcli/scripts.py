"""The shell text each kind of file runs, with positions, variables and the CLI version it runs on.

Each input format hides its commands differently: a Makefile expands `$(VAR)` before the shell runs a
recipe line, a workflow substitutes `${{ env.x }}` and exports `env:`, Azure Pipelines replaces
`$(name)` macros, a Dockerfile's `RUN` lines run in the `FROM` image. This module undoes exactly
that layer and hands the shell text on as a `Snippet` whose characters still know their offset in
the file, so the shell tokenizer (words.py) reports every value where the user wrote it. Expanded
text maps to the reference that produced it; an unresolved reference becomes a placeholder
character that makes its word unknown. YAML is read with the safe loader's composer (nodes keep marks).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterator

from byocni_lint.frontends.azcli.words import PLACEHOLDER_BASE, Env, Piece, Snippet, Word


@dataclass
class Pin:
    """A CLI version pin: the version text (None when unresolved) and where it is written."""

    version: str | None
    start: int
    end: int
    what: str  # "azcliversion", "image mcr.microsoft.com/azure-cli:2.30.0", "pip install azure-cli==2.30.0"
    reason: str | None = None
    source: object = None  # the jsonc.Source of another file (a Dockerfile running this script), else None


@dataclass
class Script:
    """One piece of shell the file runs, the variables it starts with and the CLI pin it runs under."""

    snippet: Snippet
    env: Env = field(default_factory=dict)
    pin: Pin | None = None
    powershell: bool = False


# ----- expansion of a templating layer -----

def expand(snippet: Snippet, pattern: re.Pattern[str], resolve: Callable[[re.Match], str | Exception | None]) -> Snippet:
    """Replace each match by its value (mapped to the match's span) or an unknown placeholder.
    `resolve` returns the text, an Exception carrying the reason, or None to leave the text as is."""
    text, offsets, ends = [], [], []
    reasons = list(snippet.reasons)
    last = 0

    def copy(a: int, b: int) -> None:
        for index in range(a, b):
            text.append(snippet.text[index])
            offsets.append(snippet.offsets[index])
            ends.append(snippet.end(index + 1))

    for match in pattern.finditer(snippet.text):
        value = resolve(match)
        if value is None:
            continue
        copy(last, match.start())
        start, end = snippet.at(match.start()), snippet.end(match.end())
        if isinstance(value, Exception):
            reasons.append(str(value))
            value = chr(PLACEHOLDER_BASE + len(reasons) - 1)
        for ch in value:
            text.append(ch)
            offsets.append(start)
            ends.append(end)
        last = match.end()
    copy(last, len(snippet.text))
    offsets.append(snippet.end(len(snippet.text)))
    return Snippet("".join(text), offsets, reasons, ends)


def literal_word(value: str, start: int, end: int) -> Word:
    return Word([Piece(value, start, end)], value)


def unknown_word(reason: str, start: int, end: int) -> Word:
    return Word([Piece("", start, end, unknown=reason)], "")


# ----- plain shell and PowerShell -----

def shell_scripts(text: str) -> list[Script]:
    return [Script(Snippet.plain(text))]


_PS_ASSIGN = re.compile(r"^[ \t]*\$([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(.*?)[ \t]*$", re.MULTILINE)


def powershell_scripts(text: str) -> list[Script]:
    return [Script(Snippet.plain(text), powershell=True)]  # converted by translate, like a pwsh step


def powershell_snippet(snippet: Snippet) -> Snippet:
    """PowerShell read with shell rules after two rewrites that keep every character's offset: the
    backtick (PowerShell's escape and line continuation) becomes a backslash, and `$name = value`
    becomes `name=value`; a value that is not a quoted string or a number (a call, an expression) is
    unknown."""
    text = snippet.text
    chars: list[str] = list(text.replace("`", "\\"))
    reasons = list(snippet.reasons) + ["a PowerShell expression the linter does not evaluate"]
    placeholder = chr(PLACEHOLDER_BASE + len(reasons) - 1)
    for match in _PS_ASSIGN.finditer(text):
        dollar, value_start, value_end = match.start(1) - 1, match.start(2), match.end(2)
        for index in range(dollar, value_start):
            chars[index] = ""
        chars[dollar] = match.group(1) + "="
        if not re.fullmatch(r"\"[^\"$`]*\"|'[^']*'|[0-9][\w./:-]*", match.group(2)):  # a bare word is a call
            for index in range(value_start, value_end):
                chars[index] = ""
            chars[value_start] = placeholder
    text_out, offsets, ends = [], [], []
    for index, element in enumerate(chars):
        for ch in element:
            text_out.append(ch)
            offsets.append(snippet.at(index))
            ends.append(snippet.end(index + 1))
    offsets.append(snippet.end(len(text)))
    return Snippet("".join(text_out), offsets, reasons, ends)


# ----- Makefiles -----

_MAKE_VAR = re.compile(r"^(?:override\s+|export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*([:?+!]?=|::=)\s*(.*)$", re.DOTALL)
_MAKE_REF = re.compile(r"\$\$|\$\(([^()$]*)\)|\$\{([^{}$]*)\}")
MAX_EXPANSION = 100_000  # characters one make variable may expand to (hostile files double it per level)
_INCLUDE = re.compile(r"^-?s?include[ \t]+(.+)$", re.MULTILINE)
_CONDITIONAL = re.compile(r"^\s*(ifeq|ifneq|ifdef|ifndef|else|endif)\b")


def make_scripts(text: str) -> list[Script]:
    """Recipe lines with make variables expanded (recursively, with positions at the reference).

    A variable assigned inside `ifeq`/`ifdef` blocks, appended to with `+=`, or computed by a make
    function (`$(shell ...)`) is unknown: the linter does not evaluate make conditionals."""
    variables: dict[str, Snippet | str] = {}  # str = the reason it is unknown
    recipes: list[Snippet] = []  # expanded once the whole file is read, as make does
    depth = 0
    lines = _logical_lines(text)
    in_rule = False
    for start, end in lines:
        line = text[start:end]
        if line.startswith("\t") and in_rule:
            body = start + 1
            while body < end and text[body] in "@-+ ":
                body += 1
            recipes.append(Snippet(text[body:end], list(range(body, end + 1))))
            continue
        conditional = _CONDITIONAL.match(line)
        if conditional:
            keyword = conditional.group(1)
            depth += 1 if keyword.startswith("if") else -1 if keyword == "endif" else 0
            depth = max(depth, 0)
            continue
        assignment = _MAKE_VAR.match(line.strip())
        if assignment and not line.startswith("\t"):
            name, operator, _ = assignment.groups()
            value_start = start + line.index(assignment.group(3), line.index(operator) + len(operator)) \
                if assignment.group(3) else end
            if depth > 0 or operator == "+=":
                variables[name] = f"$({name}) is set inside a make conditional or appended to"
            elif operator in (":=", "::=", "!="):
                value = Snippet(text[value_start:end], list(range(value_start, end + 1)))
                variables[name] = _expand_make(value, variables, 0, ()) if operator != "!=" else \
                    f"$({name}) is the output of a shell command"
            else:
                variables[name] = Snippet(text[value_start:end], list(range(value_start, end + 1)))
            in_rule = False
            continue
        if re.match(r"^[^\s#=][^=]*:(?!=)", line):
            in_rule = True
        elif line.strip() and not line.startswith("#"):
            in_rule = in_rule and line.startswith("\t")
    includes = tuple(name for match in _INCLUDE.finditer(text) for name in match.group(1).split())
    return [Script(_expand_make(recipe, variables, 0, includes)) for recipe in recipes]


def _logical_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, a backslash-newline joining the next line to it."""
    out: list[tuple[int, int]] = []
    start = 0
    index = 0
    while index <= len(text):
        end = text.find("\n", index)
        end = len(text) if end < 0 else end
        if end > 0 and text[end - 1:end] == "\\" and end < len(text):
            index = end + 1
            continue
        out.append((start, end))
        start = index = end + 1
        if end >= len(text):
            break
    return out


def _expand_make(snippet: Snippet, variables: dict, level: int, includes: tuple[str, ...] = (),
                 budget: list[int] | None = None) -> Snippet:
    """Make's recursive expansion; `budget` bounds the characters one top-level expansion may produce
    (hostile files double their size per level), after which values are unknown."""
    budget = budget if budget is not None else [MAX_EXPANSION]

    def resolve(match: re.Match) -> str | Exception | None:
        if match.group(0) == "$$":
            return "$"
        name = (match.group(1) if match.group(1) is not None else match.group(2)).strip()
        if " " in name or "," in name:
            return ValueError(f"$({name.split()[0]} ...) is a make function the linter does not evaluate")
        value = variables.get(name)
        if value is None:
            where = f"an included file ({', '.join(includes)}), " if includes else ""
            return ValueError(f"$({name}) is not set in the Makefile (it may come from {where}the environment "
                              "or the command line)")
        if isinstance(value, str):
            return ValueError(value)
        if level > 20:
            return ValueError(f"$({name}) expands too deeply")
        if budget[0] <= 0:
            return ValueError(f"$({name}) expands to more than {MAX_EXPANSION} characters")
        inner = _expand_make(value, variables, level + 1, includes, budget)
        budget[0] -= len(inner.text)
        return _Expanded(inner)

    return _expand_nested(snippet, _MAKE_REF, resolve)


class _Expanded(str):
    """An expansion that carries its own placeholders (a variable holding unknown parts)."""

    def __new__(cls, snippet: Snippet):
        self = super().__new__(cls, snippet.text)
        self.snippet = snippet
        return self


def _expand_nested(snippet: Snippet, pattern: re.Pattern[str], resolve) -> Snippet:
    """`expand`, where a value may itself hold unknown placeholders (renumbered into ours)."""
    reasons = list(snippet.reasons)

    def wrapped(match: re.Match):
        value = resolve(match)
        if isinstance(value, _Expanded):
            inner = value.snippet
            mapping = {}
            for k, reason in enumerate(inner.reasons):
                reasons.append(reason)
                mapping[chr(PLACEHOLDER_BASE + k)] = chr(PLACEHOLDER_BASE + len(reasons) - 1)
            return "".join(mapping.get(ch, ch) for ch in inner.text)
        if isinstance(value, Exception):
            reasons.append(str(value))
            return chr(PLACEHOLDER_BASE + len(reasons) - 1)
        return value

    out = expand(Snippet(snippet.text, snippet.offsets, [], snippet.ends), pattern, wrapped)
    out.reasons = reasons
    return out


# ----- Dockerfiles -----

_FROM = re.compile(r"^[ \t]*FROM[ \t]+(?:--\S+[ \t]+)*(\S+)", re.IGNORECASE | re.MULTILINE)
_RUN = re.compile(r"^[ \t]*(RUN|CMD|ENTRYPOINT)[ \t]+", re.IGNORECASE | re.MULTILINE)
_ARG_ENV = re.compile(r"^[ \t]*(ARG|ENV)[ \t]+(.*)$", re.IGNORECASE | re.DOTALL | re.MULTILINE)


def _docker_lines(text: str) -> Iterator[tuple[int, int, Pin | None, Env]]:
    """(start, end, pin, variables) of each RUN/CMD/ENTRYPOINT line: the pin of the stage's `FROM` image
    (whose tag may be an `ARG` default), or of a `pip install azure-cli==X` in an earlier `RUN` of the
    stage; `ARG`/`ENV` values set so far are the shell's variables."""
    from byocni_lint.frontends.azcli.words import parse

    pin: Pin | None = None
    env: Env = {}
    for start, end in _logical_lines(text):
        image = _FROM.match(text, start, end)
        if image:
            pin = _from_pin(text, image, env)
            continue
        variables = _ARG_ENV.match(text, start, end)
        if variables:
            # `ARG NAME=value` / `ENV NAME=value ...` read as shell assignments (same quoting rules)
            body = variables.start(2)
            legacy = re.fullmatch(r"([A-Za-z_]\w*)[ \t]+(\S.*)", variables.group(2).strip())
            if variables.group(1).upper() == "ENV" and legacy and "=" not in legacy.group(1):
                value_start = body + variables.group(2).index(legacy.group(2))
                env[legacy.group(1)] = Word([Piece(legacy.group(2), value_start, end)], legacy.group(2))
            else:
                parse(Snippet(text[body:end], list(range(body, end + 1))), env)
            continue
        match = _RUN.match(text, start, end)
        if not match:
            continue
        yield match.end(), end, pin, dict(env)
        if not text.startswith("[", match.end()):
            for command in parse(Snippet(text[match.end():end], list(range(match.end(), end + 1))), dict(env)):
                pin = pip_pin(command.words) or pin


def _from_pin(text: str, image: re.Match, env: Env) -> Pin | None:
    """The pin of a `FROM` image; a tag written as `${ARG}` takes the ARG's default, located there."""
    written = image.group(1)
    reference = re.search(r":\$\{?([A-Za-z_]\w*)\}?\Z", written)
    if reference is None:
        return image_pin(written, image.start(1), image.end(1))
    value = env.get(reference.group(1))
    if value is None or value.text is None:
        return None  # the tag is chosen at build time (--build-arg): not pinned in the files
    return image_pin(written[:reference.start()] + ":" + value.text, value.start, value.end)


def docker_scripts(text: str) -> list[Script]:
    """Each shell-form `RUN`/`CMD`/`ENTRYPOINT` with the CLI pin of its stage and the ARG/ENV values."""
    return [Script(Snippet(text[body:end], list(range(body, end + 1))), env=env, pin=pin)
            for body, end, pin, env in _docker_lines(text) if not text.startswith("[", body)]


def docker_runs(text: str) -> list[tuple[str, Pin | None]]:
    """Every word of RUN/CMD/ENTRYPOINT (shell or exec form) with its stage's pin: which scripts it runs."""
    return [(word, pin) for body, end, pin, _ in _docker_lines(text)
            for word in re.findall(r"[\w./-]+", text[body:end])]


_IMAGE = re.compile(r"(?:[\w.-]+/)*azure-cli(?::([\w.-]+))?(?:@sha256:\w+)?\Z")


def image_pin(image: str, start: int, end: int) -> Pin | None:
    """The pin an `azure-cli` image tag gives; `latest`, no tag or a digest only is unpinned."""
    match = _IMAGE.search(image)
    if match is None:
        return None
    tag = match.group(1)
    if tag is None or not re.match(r"\d+\.\d+", tag):
        return None
    return Pin(re.match(r"\d+\.\d+(?:\.\d+)?", tag).group(0), start, end, f"image {image}")  # type: ignore[union-attr]


_PIP = re.compile(r"azure-cli==([0-9][\w.]*)")


Requirements = Callable[[str], "tuple[str, object] | None"]
"""A requirements file named by `pip install -r NAME` -> its text and jsonc.Source, when readable."""


def pip_pin(words: list[Word], requirements: Requirements | None = None) -> Pin | None:
    """`pip install azure-cli==X` (also `pip3`, `python -m pip`), or an `azure-cli==X` line of a
    requirements file it installs with `-r`."""
    texts = [w.text or "" for w in words]
    if "install" not in texts or not any(t.rsplit("/", 1)[-1].startswith("pip") for t in texts):
        return None
    for index, word in enumerate(words):
        match = _PIP.fullmatch(word.text or "")
        if match:
            return Pin(match.group(1), word.start, word.end, f"pip install {word.text}")
        if word.text in ("-r", "--requirement") and index + 1 < len(words) and requirements is not None:
            named = words[index + 1].text
            found = requirements(named) if named else None
            if found is not None:
                return requirements_pin(*found)
    return None


def requirements_pin(text: str, source) -> Pin | None:
    """The `azure-cli==X` line of a requirements file, located there."""
    for match in re.finditer(r"^[ \t]*azure-cli[ \t]*==[ \t]*([0-9][\w.]*)", text, re.MULTILINE | re.IGNORECASE):
        return Pin(match.group(1), match.start(1), match.end(1), f"azure-cli=={match.group(1)} in {source.path}",
                   source=source)
    return None


# ----- YAML (GitHub Actions, Azure Pipelines) -----

def scalar_snippet(node, text: str) -> Snippet:
    """A YAML scalar's value with each character mapped to where it is in the file (greedy alignment,
    which skips indentation, quotes and the block header)."""
    value = node.value
    raw_start, raw_end = node.start_mark.index, node.end_mark.index
    raw = text[raw_start:raw_end]
    offsets = []
    cursor = 0
    if node.style in ("|", ">"):
        newline = raw.find("\n")
        cursor = newline + 1 if newline >= 0 else len(raw)
    for ch in value:
        found = raw.find(ch, cursor, cursor + 200) if ch != "\n" or node.style != ">" else -1
        if found < 0:
            offsets.append(raw_start + min(cursor, len(raw)))
            continue
        offsets.append(raw_start + found)
        cursor = found + 1
    offsets.append(raw_start + min(cursor, len(raw)))
    return Snippet(value, offsets)


def mapping_get(node, key: str):
    """The value node under `key` in a composed mapping node, or None."""
    if getattr(node, "tag", "").endswith(":map"):
        for k, v in node.value:
            if getattr(k, "value", None) == key:
                return v
    return None


def scalar_env(node, text: str, into: Env, expand_value: Callable[[Snippet], Snippet] | None = None) -> None:
    """`env:` / `variables:` mappings into shell variables, each value located where it is written."""
    if not getattr(node, "tag", "").endswith(":map"):
        return
    for key, value in node.value:
        if not hasattr(value, "style") or not isinstance(value.value, str):
            continue
        snippet = scalar_snippet(value, text)
        if expand_value is not None:
            snippet = expand_value(snippet)
        into[str(key.value)] = _word_of(snippet, value.start_mark.index, value.end_mark.index)


def _word_of(snippet: Snippet, start: int, end: int) -> Word:
    for ch in snippet.text:
        k = ord(ch) - PLACEHOLDER_BASE
        if 0 <= k < len(snippet.reasons):
            return unknown_word(snippet.reasons[k], start, end)
    return literal_word(snippet.text, start, end)


_GH_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def github_expander(env: Env, outputs: Env | None = None) -> Callable[[Snippet], Snippet]:
    """`${{ env.NAME }}` from the workflow/job/step `env:` and `${{ steps.ID.outputs.NAME }}` written
    from literals by an earlier step; every other expression is unknown."""
    def resolve(match: re.Match):
        expression = match.group(1)
        output = (outputs or {}).get(expression)
        if output is not None:
            return output.text if output.text is not None else ValueError(output.unknown or "unknown")
        name = re.fullmatch(r"env\.([A-Za-z_][\w-]*)", expression)
        if name and name.group(1) in env and env[name.group(1)].text is not None:
            return env[name.group(1)].text
        if name and name.group(1) in env:
            return ValueError(env[name.group(1)].unknown or "unknown")
        return ValueError(f"${{{{ {expression} }}}} is known only when the workflow runs")
    return lambda snippet: expand(snippet, _GH_EXPR, resolve)


def github_scripts(text: str) -> list[Script]:
    import yaml

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    scripts: list[Script] = []
    workflow_env: Env = {}
    scalar_env(mapping_get(root, "env"), text, workflow_env)
    jobs = mapping_get(root, "jobs")
    if not getattr(jobs, "tag", "").endswith(":map"):
        return scripts
    for _, job in jobs.value:
        outputs: Env = {}  # steps.<id>.outputs.<name> written from literals
        job_env = dict(workflow_env)
        scalar_env(mapping_get(job, "env"), text, job_env, github_expander(job_env))
        container = mapping_get(job, "container")
        image = mapping_get(container, "image") if getattr(container, "tag", "").endswith(":map") else container
        job_pin = image_pin(image.value, image.start_mark.index, image.end_mark.index) \
            if image is not None and isinstance(getattr(image, "value", None), str) else None
        steps = mapping_get(job, "steps")
        for step in getattr(steps, "value", []) if getattr(steps, "tag", "").endswith(":seq") else []:
            step_env = dict(job_env)
            scalar_env(mapping_get(step, "env"), text, step_env, github_expander(step_env, outputs))
            expander = github_expander(step_env, outputs)
            run = mapping_get(step, "run")
            uses = mapping_get(step, "uses")
            shell = mapping_get(step, "shell")
            powershell = getattr(shell, "value", "") in ("pwsh", "powershell")
            if run is not None and isinstance(run.value, str):
                script = Script(expander(scalar_snippet(run, text)), dict(step_env), job_pin, powershell)
                scripts.append(script)
                step_id = mapping_get(step, "id")
                if step_id is not None:
                    outputs.update(_step_outputs(str(step_id.value), script))
            elif uses is not None and str(uses.value).lower().startswith("azure/cli@"):
                inputs = mapping_get(step, "with")
                script = mapping_get(inputs, "inlineScript")
                if script is not None and isinstance(script.value, str):
                    scripts.append(Script(expander(scalar_snippet(script, text)), dict(step_env),
                                          _action_pin(mapping_get(inputs, "azcliversion"), expander, text)))
    return scripts


def _step_outputs(step_id: str, script: Script) -> Env:
    """`echo "name=value" >> $GITHUB_OUTPUT` lines of a step, as `steps.<id>.outputs.<name>`."""
    from byocni_lint.frontends.azcli.words import parse

    found: Env = {}
    for command in parse(script.snippet, dict(script.env)):
        if not command.words or command.words[0].text != "echo" or len(command.words) != 2:
            continue
        if not any("GITHUB_OUTPUT" in target.raw for target in command.redirects):
            continue
        written = command.words[1]
        name, equals, _ = written.raw.strip("\"'").partition("=")
        if equals and re.fullmatch(r"[\w-]+", name):
            value = Word([Piece(written.text.partition("=")[2], written.start, written.end)], written.raw) \
                if written.text is not None else unknown_word(written.unknown or "unknown", written.start, written.end)
            found[f"steps.{step_id}.outputs.{name}"] = value
    return found


def _action_pin(node, expander, text: str) -> Pin | None:
    """The `azure/cli` action's `azcliversion`; absent or `agentazcliversion` (its default) is unpinned."""
    if node is None or not isinstance(node.value, str):
        return None
    snippet = expander(scalar_snippet(node, text))
    start, end = node.start_mark.index, node.end_mark.index
    word = _word_of(snippet, start, end)
    if word.unknown:
        return Pin(None, start, end, "azcliversion", reason=word.unknown)
    value = (word.text or "").strip()
    if not re.match(r"\d+\.\d+", value):
        return None
    return Pin(value, start, end, "azcliversion")


_MACRO = re.compile(r"\$\(([A-Za-z_][\w.]*)\)")


def pipeline_scripts(text: str) -> list[Script]:
    """Azure Pipelines: `script:`/`bash:`/`pwsh:` steps and `AzureCLI@2` inline scripts, with `$(name)`
    macros from `variables:` (pipeline, stage and job level) and the job's container image."""
    import yaml

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    scripts: list[Script] = []

    def variables_of(node, inherited: dict[str, Word]) -> dict[str, Word]:
        found = dict(inherited)
        listed = mapping_get(node, "variables")
        if getattr(listed, "tag", "").endswith(":map"):
            scalar_env(listed, text, found)
        elif getattr(listed, "tag", "").endswith(":seq"):
            for item in listed.value:
                name, value = mapping_get(item, "name"), mapping_get(item, "value")
                if name is not None and value is not None and isinstance(value.value, str):
                    found[str(name.value)] = literal_word(value.value, value.start_mark.index, value.end_mark.index)
        return found

    def macro_expander(variables: dict[str, Word]) -> Callable[[Snippet], Snippet]:
        """`$(name)` macros and `${{ variables.name }}` template expressions from `variables:`."""
        def value_of(name: str, written: str):
            word = variables.get(name)
            if word is None:
                return ValueError(f"{written} is not defined in the pipeline's variables")
            return word.text if word.text is not None else ValueError(word.unknown or "unknown")

        def template_expression(match: re.Match):
            name = re.fullmatch(r"variables(?:\.([\w.]+)|\[\s*'([^']+)'\s*\])", match.group(1))
            if name is None:
                return ValueError(f"{match.group(0)} is known only when the pipeline runs")
            return value_of(name.group(1) or name.group(2), match.group(0))

        return lambda snippet: expand(expand(snippet, _GH_EXPR, template_expression), _MACRO,
                                      lambda match: value_of(match.group(1), match.group(0)))

    def walk(node, variables: dict[str, Word], pin: Pin | None) -> None:
        if getattr(node, "tag", "").endswith(":seq"):
            for item in node.value:
                walk(item, variables, pin)
            return
        if not getattr(node, "tag", "").endswith(":map"):
            return
        variables = variables_of(node, variables)
        container = mapping_get(node, "container")
        image = mapping_get(container, "image") if getattr(container, "tag", "").endswith(":map") else container
        if image is not None and isinstance(getattr(image, "value", None), str):
            pin = image_pin(image.value, image.start_mark.index, image.end_mark.index) or pin
        expander = macro_expander(variables)
        env = {name.upper().replace(".", "_"): word for name, word in variables.items()}
        scalar_env(mapping_get(node, "env"), text, env, expander)
        for key in ("script", "bash", "pwsh", "powershell"):
            body = mapping_get(node, key)
            if body is not None and isinstance(body.value, str):
                scripts.append(Script(expander(scalar_snippet(body, text)), env, pin, key in ("pwsh", "powershell")))
        task = mapping_get(node, "task")
        if task is not None and str(task.value).startswith("AzureCLI@"):
            inputs = mapping_get(node, "inputs")
            body = mapping_get(inputs, "inlineScript")
            kind = mapping_get(inputs, "scriptType")
            if body is not None and isinstance(body.value, str):
                scripts.append(Script(expander(scalar_snippet(body, text)), env, pin,
                                      getattr(kind, "value", "") in ("ps", "pscore")))
        for key, value in node.value:
            if key.value in ("stages", "jobs", "steps", "job", "stage", "deployment", "strategy", "deploy",
                             "runOnce", "on", "success", "failure", "preDeploy", "routeTraffic", "postRouteTraffic"):
                walk(value, variables, pin)

    walk(root, {}, None)
    return scripts
