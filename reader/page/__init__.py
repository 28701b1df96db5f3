"""The page: our Markdown renderer on markdown-it-py tokens, in the theme's colours (UI-free).

- palette: the styles of every role, built from a theme's colours;
- parser: markdown-it-py with the plugins, and a block tree over its tokens;
- blocks: the renderer (paragraphs, headings, lists, quotes, notes, links at the end);
- inline: links, images, footnote markers, inline HTML; wrap: word wrapping;
- code: Pygments highlighting; table: tables; html: HTML to styles or Markdown.
"""
