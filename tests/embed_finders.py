"""An oEmbed finder that answers without the network, for tests."""

from wagtail.embeds.finders.base import EmbedFinder


class StaticEmbedFinder(EmbedFinder):
    def accept(self, url):
        return url.startswith("https://video.example/")

    def find_embed(self, url, max_width=None, max_height=None):
        return {
            "title": "Stretching for back pain",
            "author_name": "Example clinic",
            "provider_name": "Example video",
            "type": "video",
            "thumbnail_url": "https://video.example/thumb.jpg",
            "width": 640,
            "height": 360,
            "html": f'<iframe title="Stretching for back pain" src="{url}/embed"></iframe>',
        }
