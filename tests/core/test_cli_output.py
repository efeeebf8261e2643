"""How ``nnft run`` prints a command's output: progress bars redraw one line on a terminal and
leave only their last state in a pipe or file (was: every state on its own line)."""

from __future__ import annotations

import io

from nnft.core.cli import CommandOutput


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _feed(output: CommandOutput) -> None:
    output.line("Preprocessing dataset 1")
    for state in ["", "  0%|   | 0/6", " 50%|#  | 3/6"]:
        output.line(state, progress=True)
    output.line("100%|###| 6/6")  # tqdm's last state ends with a newline
    output.line("done")


def test_in_a_pipe_or_file_only_the_bars_last_state_is_printed():
    stream = io.StringIO()
    _feed(CommandOutput(stream))
    assert stream.getvalue().splitlines() == [
        "  | Preprocessing dataset 1", "  | 100%|###| 6/6", "  | done"]


def test_on_a_terminal_the_bar_redraws_its_line():
    stream = _Terminal()
    output = CommandOutput(stream)
    _feed(output)
    text = stream.getvalue()
    assert text.count("\n") == 3  # three lines, however many states the bar had
    assert "\r\033[K  |  50%|#  | 3/6\r\033[K  | 100%|###| 6/6\n" in text
    output.line(" 10%", progress=True)
    output.close()  # nnFT prints its own line: the bar's line is ended, not overwritten
    assert stream.getvalue().endswith("\r\033[K  |  10%\n")
    assert not output.open
