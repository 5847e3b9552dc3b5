"""Command-line usage errors in Chinese first, as every other nianbao message.

Click (under Typer) reports a missing argument, an unknown option or a bad choice in
English only.  `Typer` below runs the command line in click's non-standalone mode, so
those errors come back here as exceptions, and says them Chinese first with click's own
English after, then the usage line; exit code 2 as before.  Everything else — help,
commands' own exit codes, their messages — is untouched.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import typer

try:  # Typer ≥ 0.20 carries its own copy of click; older ones use click itself
    from typer._click import exceptions as errors
except ImportError:  # pragma: no cover - depends on the installed Typer
    from click import exceptions as errors  # type: ignore[no-redef]

EXIT_USAGE = 2  # click's exit code for a usage error, kept
# click's wording of a value outside an enum's choices, and of a value of the wrong kind.
_NOT_ONE_OF = re.compile(r"'(?P<value>.*)' is not one of (?P<choices>.+?)\.?$")
_NOT_A = re.compile(r"'(?P<value>.*)' is not a valid (?P<kind>integer|float|boolean)")
_KINDS = {"integer": "整数", "float": "数字", "boolean": "是/否（true/false）"}


def _name(exc: errors.UsageError) -> str:
    param = getattr(exc, "param", None)
    if param is None:
        return getattr(exc, "param_hint", None) or ""
    if getattr(param, "param_type_name", "") == "option":
        return " / ".join(param.opts)
    return str(param.name or "").upper()


def _commands(ctx: Any) -> list[str]:
    list_commands = getattr(getattr(ctx, "command", None), "list_commands", None)
    return list(list_commands(ctx)) if list_commands is not None else []


def _bad_value(name: str, message: str) -> str:
    choice = _NOT_ONE_OF.search(message)
    if choice:
        choices = "、".join(c.strip(" '") for c in choice["choices"].split(","))
        return f"{name} 的值“{choice['value']}”无效：只能是 {choices} 之一"
    kind = _NOT_A.search(message)
    if kind:
        return f"{name} 的值“{kind['value']}”无效：应为{_KINDS[kind['kind']]}"
    return f"{name} 的值无效"


def chinese(exc: errors.UsageError) -> str:
    """The usage error said in Chinese (with the values allowed, when click names them)."""
    name = _name(exc)
    message = exc.message
    if isinstance(exc, errors.MissingParameter):
        return f"缺少参数 {name}"
    if isinstance(exc, errors.NoSuchOption):
        hint = f"（是否想用 {'、'.join(exc.possibilities)}？）" if exc.possibilities else ""
        return f"没有选项 {exc.option_name}{hint}"
    if isinstance(exc, errors.BadOptionUsage) and "requires an argument" in message:
        return f"选项 {exc.option_name} 后面需要一个值"
    if isinstance(exc, errors.BadParameter):
        return _bad_value(name, message)
    if message.startswith("No such command"):
        available = _commands(exc.ctx)
        return "没有这个命令" + (f"（可用命令：{'、'.join(available)}）" if available else "")
    if message.startswith("Got unexpected extra argument"):
        return "多余的参数：" + message.rsplit("(", 1)[-1].rstrip(")")
    return "命令行用法有误"


def report(exc: errors.UsageError) -> None:
    """Print the error the way nianbao prints errors: one Chinese-first line, then the usage."""
    err = sys.stderr
    err.write(f"错误：{chinese(exc)} / {exc.format_message()}\n")
    if exc.ctx is not None:
        err.write(exc.ctx.get_usage().replace("Usage:", "用法 Usage:", 1) + "\n")
        err.write(f"运行 {exc.ctx.command_path} --help 查看帮助 / Try '{exc.ctx.command_path} --help' for help.\n")


class Typer(typer.Typer):
    """typer.Typer whose own usage errors are reported by `report` (Chinese first)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("standalone_mode", False)
        try:
            result = super().__call__(*args, **kwargs)
        except errors.UsageError as exc:
            report(exc)
            sys.exit(exc.exit_code if exc.exit_code is not None else EXIT_USAGE)
        except errors.ClickException as exc:
            sys.stderr.write(f"错误：{exc.format_message()}\n")
            sys.exit(exc.exit_code)
        except typer.Abort:
            sys.stderr.write("已中止 / aborted\n")
            sys.exit(1)
        # Non-standalone click returns a command's exit code (typer.Exit) instead of exiting.
        sys.exit(result if isinstance(result, int) else 0)
