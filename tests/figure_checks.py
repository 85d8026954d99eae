"""What every figure of a report must show a reader, as checks on a matplotlib Figure."""

#: Longest line of a tick label a reader should have to read.
MAX_TICK = 30


def colourbar_axes(fig):
    """The axes of the figure's colour bars."""
    return {artist.colorbar.ax for ax in fig.axes for artist in [*ax.images, *ax.collections]
            if getattr(artist, "colorbar", None) is not None}


def data_axes(fig):
    """The visible axes that draw data (colour bars excepted)."""
    bars = colourbar_axes(fig)
    return [ax for ax in fig.axes if ax.get_visible() and ax not in bars
            and (ax.images or ax.lines or ax.collections or ax.patches or ax.containers)]


def unlabelled_axes(fig):
    """Axes with data whose horizontal or vertical axis has no label: neither its own
    nor one the figure gives all its panels; and colour bars without a label."""
    bad = [ax for ax in data_axes(fig)
           if not (ax.get_xlabel() or fig.get_supxlabel())
           or not (ax.get_ylabel() or fig.get_supylabel())]
    return bad + [ax for ax in colourbar_axes(fig) if not ax.get_ylabel()]


def tick_texts(ax):
    return [t.get_text() for t in [*ax.get_xticklabels(), *ax.get_yticklabels()]
            if t.get_visible() and t.get_text()]


def long_tick_lines(fig):
    """Lines of tick labels longer than :data:`MAX_TICK` characters."""
    return [line for ax in data_axes(fig) for text in tick_texts(ax)
            for line in text.split("\n") if len(line) > MAX_TICK]
