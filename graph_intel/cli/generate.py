"""CLI commands made from the command registry (graph_intel.commands), and the renderers they keep.

A read command's CLI command is generated from its function: each parameter after the store is an
argument (no default) or an option (its default the function's), its help, option name, least
value and date reading from its `Param` metadata; `--store`, `--neo4j` and `--json` are added to
every one. The command opens the store read-only, runs the function and prints its JSON with
`--json`; otherwise its renderer, registered here by `@renders(*words)` in a CLI module
(RENDERER_MODULES), prints the table, the text and the one line an empty answer gives. A command
with no renderer prints a plain table. A bad argument (a ValueError from the command) is exit 2
with its reason, as is a bad date, which names the option.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import sys
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from typer import _click as click

from graph_intel import commands
from graph_intel.commands import (
    CLI_COMMANDS,
    GROUPS,
    Param,
    ReadCommand,
    decorated,
    index,
    to_json,
)

#: The CLI modules whose renderers (`@renders`) the generated commands use; imported with them.
RENDERER_MODULES = [
    "graph_intel.cli.analysis",
    "graph_intel.cli.safeguarding",
    "graph_intel.cli.records",
    "graph_intel.cli.resolve",
    "graph_intel.cli.data",
]

#: Parameter names every generated command takes for itself (a read command may not use them).
COMMON = ("store", "neo4j", "json")


@dataclass
class Answer:
    """What a renderer is given: the command's JSON-able result, the arguments as the command line
    read them (a date as a date), the store options (to explain an empty answer) and what its
    `gather` took from the open store."""

    data: Any
    args: dict[str, Any]
    store: Path | None
    neo4j: str | None
    json: bool
    extra: Any = None

    def empty(
        self,
        what: str,
        option: str | None = None,
        used: date | datetime | None = None,
        since: bool = False,
    ) -> str:
        """The one line an empty answer prints (cli.common.explain_empty): what, the date used, the data's range."""
        from graph_intel.cli.common import explain_empty

        return explain_empty(self.store, self.neo4j, what, option, used, since)


@dataclass(frozen=True)
class Writes:
    """A file the CLI command writes in place of printing its answer, when its option `when` is given.

    `options` are the command line's own (typer parameters, after the read command's own and before
    --store); `write(store, args)` writes the file from the open store and returns what it wrote
    (JSON-able); `finish(done, args)` runs once the store is closed (--pdf prints the file) and
    returns what was written in all; `said(answer)` prints it (--json prints it as JSON; with no
    `said`, the renderer does: a command that always writes, its option required)."""

    options: tuple[inspect.Parameter, ...]
    when: str
    write: Callable[[Any, dict[str, Any]], Any]
    finish: Callable[[Any, dict[str, Any]], Any] | None = None
    said: Callable[[Answer], None] | None = None


@dataclass(frozen=True)
class Renderer:
    """A command's human output, and the few things some need besides: `before(args)` checks the
    arguments before the store opens; `gather(store, data, args)` reads more from the open store
    for the human output; `after_json(answer)` runs after the JSON is printed (an exit status);
    `writes` the file it writes instead, given an option of the command line alone; `options` more
    options of the command line alone (typer parameters), and `call(store, args)` how the command
    line calls the command given them (show's --include-restricted: restricted material left out
    unless it is given, where over HTTP the role decides)."""

    render: Callable[[Answer], None]
    before: Callable[[dict[str, Any]], None] | None = None
    gather: Callable[[Any, Any, dict[str, Any]], Any] | None = None
    after_json: Callable[[Answer], None] | None = None
    writes: Writes | None = None
    options: tuple[inspect.Parameter, ...] = ()
    call: Callable[[Any, dict[str, Any]], Any] | None = None


RENDERERS: dict[tuple[str, ...], Renderer] = {}


def renders(
    *words: str,
    before: Callable[[dict[str, Any]], None] | None = None,
    gather: Callable[[Any, Any, dict[str, Any]], Any] | None = None,
    after_json: Callable[[Answer], None] | None = None,
    writes: Writes | None = None,
    options: tuple[inspect.Parameter, ...] = (),
    call: Callable[[Any, dict[str, Any]], Any] | None = None,
) -> Callable[[Callable[[Answer], None]], Callable[[Answer], None]]:
    """Register the function as the renderer of the read command `words`."""

    def register(func: Callable[[Answer], None]) -> Callable[[Answer], None]:
        RENDERERS[words] = Renderer(func, before, gather, after_json, writes, options, call)
        return func

    return register


def plain(answer: Answer) -> None:
    """The output of a command with no renderer of its own: its rows as a table, else its JSON."""
    from graph_intel.cli.common import out, say_empty, table

    data = answer.data
    if isinstance(data, list) and all(isinstance(r, dict) for r in data):
        if not data:
            say_empty(answer.empty("nothing found"))
            return
        out.print(table(list(dict.fromkeys(k for r in data for k in r)), data))
    else:
        sys.stdout.write(to_json(data) + "\n")


def _param(hint: Any) -> tuple[Any, Param]:
    """A parameter's type without its metadata, and its Param (an empty one when it has none)."""
    if typing.get_origin(hint) is Annotated:
        base, *meta = typing.get_args(hint)
        found = next((m for m in meta if isinstance(m, Param)), Param())
        return base, found
    return hint, Param()


def _flag(name: str, param: Param) -> str:
    return param.flag or "--" + name.replace("_", "-")


def _cli_parameter(p: inspect.Parameter, hint: Any) -> tuple[inspect.Parameter, Param]:
    """The typer parameter of one read-command parameter, and its Param."""
    base, param = _param(hint)
    if p.name in COMMON:
        raise TypeError(
            f"a read command may not take a parameter named {p.name!r} (every CLI command has --{p.name})"
        )
    required = p.default is inspect.Parameter.empty
    if required and param.flag is None:
        info: Any = typer.Argument(
            help=param.help or None, metavar=param.metavar, show_default=False
        )
        return inspect.Parameter(
            p.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Annotated[base, info]
        ), param
    kwargs: dict[str, Any] = {"help": param.help or None}
    if param.minimum is not None:
        kwargs["min"] = param.minimum
    if param.date:
        base = str | None if not required else str
    info = typer.Option(_flag(p.name, param), **kwargs)
    default = ... if required else p.default
    return inspect.Parameter(
        p.name,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        default=default,
        annotation=Annotated[base, info],
    ), param


def _read_dates(values: dict[str, Any], dated: dict[str, tuple[str, Param]]) -> dict[str, Any]:
    """The date options read by the one parser (exit 2 naming the option); a day not given is today
    (unless its Param says `today=False`).

    `values` is changed to hold the ISO text the command is given; the dates themselves are returned."""
    from graph_intel.cli.common import day_option, time_option

    read: dict[str, Any] = {}
    for name, (flag, param) in dated.items():
        if param.date == "day":
            day = day_option(values[name], flag, date.today() if param.today else None)
            read[name], values[name] = day, day.isoformat() if day else None
        else:
            moment = time_option(values[name], flag)
            read[name], values[name] = moment, moment.isoformat() if moment else values[name]
    return read


@dataclass
class _Made:
    """The parts of one generated command: its parameters and which of them are dates."""

    params: list[inspect.Parameter] = field(default_factory=list)
    dated: dict[str, tuple[str, Param]] = field(default_factory=dict)


def make_command(command: ReadCommand) -> click.Command:
    """The CLI command of a read command: options, defaults and help from its signature."""
    from graph_intel.cli.common import fail, opened
    from graph_intel.collector import paused

    hints = typing.get_type_hints(command.func, include_extras=True)
    made = _Made()
    for p in list(inspect.signature(command.func).parameters.values())[1:]:
        cli_param, param = _cli_parameter(p, hints.get(p.name, str))
        made.params.append(cli_param)
        if param.date:
            made.dated[p.name] = (_flag(p.name, param), param)
    from graph_intel.cli.common import COMMON_OPTIONS

    renderer = RENDERERS.get(command.words) or Renderer(plain)
    writes = renderer.writes
    cli_params = [*renderer.options, *(writes.options if writes is not None else ())]
    own = [p.name for p in cli_params]
    made.params += [*cli_params, *COMMON_OPTIONS]

    def run(**values: Any) -> None:
        store, neo4j, as_json = values.pop("store"), values.pop("neo4j"), values.pop("json")
        cli_only = {name: values.pop(name) for name in own}
        args = {**values, **_read_dates(values, made.dated), **cli_only}
        if renderer.before is not None:
            renderer.before(args)
        # the file the command writes instead of its answer, when its option is given
        writing = writes if writes is not None and cli_only[writes.when] is not None else None
        extra = None
        # an answer is up to millions of small objects alive until printed (graph_intel.collector)
        with paused():
            with opened(store, neo4j, read_only=True) as graph:
                try:
                    if writing is not None:
                        data = writing.write(graph, args)
                    elif renderer.call is not None:
                        data = renderer.call(graph, args)
                    else:
                        data = command.func(graph, **values)
                        if renderer.gather is not None and not as_json:
                            extra = renderer.gather(graph, data, args)
                except ValueError as exc:  # a bad grade, date, basis or argument
                    fail(str(exc))
            if writing is not None and writing.finish is not None:
                data = writing.finish(data, args)
            answer = Answer(data, args, store, neo4j, as_json, extra)
            if as_json:
                sys.stdout.write(to_json(data) + "\n")
                if renderer.after_json is not None and writing is None:
                    renderer.after_json(answer)
            elif writing is not None and writing.said is not None:
                writing.said(answer)
            else:
                renderer.render(answer)

    run.__signature__ = inspect.Signature(made.params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in made.params}
    run.__doc__ = command.func.__doc__
    return _click(command.words[-1], run)


def literal(text: str) -> str:
    """Help text shown as written: its square brackets escaped, so rich's help renderer prints
    "[default: today]" instead of taking it for a style tag and dropping it."""
    from rich.markup import escape

    return escape(text)


def literal_help(command: click.Command) -> click.Command:
    """The command (and a group's commands, all levels) with every option's and argument's help literal."""
    for param in command.params:
        helptext = getattr(param, "help", None)
        if helptext:
            param.help = literal(helptext)  # type: ignore[attr-defined]
    for sub in getattr(command, "commands", {}).values():
        literal_help(sub)
    return command


def _click(name: str, func: Callable[..., Any]) -> click.Command:
    """A typer function as the click command typer makes of it (its help literal)."""
    sub = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    sub.command(name)(func)
    return literal_help(typer.main.get_group(sub).commands[name])


def _target(words: tuple[str, ...]) -> Any:
    """The typer function (or app) CLI_COMMANDS registers for `words`, its module imported."""
    module, _, name = CLI_COMMANDS[words].partition(":")
    mod = importlib.import_module(module)
    if not hasattr(mod, name):
        raise RuntimeError(
            f"graph-intel: {module} does not define {name}, registered for the command {' '.join(words)!r}"
        )
    return getattr(mod, name)


def build(words: tuple[str, ...]) -> click.Command:
    """The real command `words` (one word, or a group's), its modules imported."""
    if words in CLI_COMMANDS:
        target = _target(words)
        if isinstance(target, typer.Typer):
            return literal_help(typer.main.get_group(target))
        return _click(words[-1], target)
    entry = index(summaries=False).get(words)
    if entry is not None and entry.read:
        # only the module that registers the command and the one with its renderer: `show` starts
        # without the analyses' modules (and pandas) that the other commands import
        importlib.import_module(entry.module)
        if words in renderer_modules():
            importlib.import_module(renderer_modules()[words])
        registered = (
            commands.READ_COMMANDS
        )  # looked up now: a test may give it a registry of its own
        if words in registered and registered[words].cli:
            return make_command(registered[words])
    raise RuntimeError(f"graph-intel: no command {' '.join(words)!r} is registered")


@functools.cache
def renderer_modules() -> dict[tuple[str, ...], str]:
    """Which of RENDERER_MODULES holds each command's renderer, read from their source (`@renders`
    decorators with plain string words), none imported."""
    found: dict[tuple[str, ...], str] = {}
    for module in RENDERER_MODULES:
        for _, _, words in decorated(module, "renders"):
            found[words] = module
    return found


def group(name: str, subcommands: list[str]) -> typer.core.TyperGroup:
    """A command group (cawn, matrix, ...): its help from GROUPS, each command made when it is asked for."""
    return LazySubGroup(
        name=name, help=GROUPS.get(name), no_args_is_help=True, subcommands=subcommands
    )


class LazySubGroup(typer.core.TyperGroup):
    """A group whose commands are built (their modules imported) only when one is listed or run."""

    def __init__(self, *args: Any, subcommands: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subcommands = subcommands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.subcommands)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.subcommands:
            return None
        if cmd_name not in self.commands:
            from graph_intel.collector import paused

            with paused():  # its modules' imports: nothing to free (graph_intel.collector)
                self.add_command(build((str(self.name), cmd_name)), cmd_name)
        return self.commands[cmd_name]
