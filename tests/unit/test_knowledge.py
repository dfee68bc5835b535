"""The knowledge base: every scope article present, complete and sourced; malformed articles are refused."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot import settings
from bot.knowledge.articles import KnowledgeError, load_articles, load_documents
from bot.knowledge.render import RenderedArticle, as_text
from bot.knowledge.store import Store

SCOPE = settings.ROOT / "knowledge" / "scope.md"
HEADLINE = {
    "brp_briefadres_opvang": ["art. 2.40", "art. 2.41", "art. 2.23"],
    "kvk_adres_afschermen": ["art. 51"],
    "wonen_urgentie_geen_binding": ["art. 16", "art. 12"],
}


def scope_ids() -> set:
    return set(re.findall(r"^\| `([a-z_]+)` \|", SCOPE.read_text(), flags=re.M))


@pytest.fixture(scope="module")
def articles():
    return {article.id: article for article in load_articles()}


def test_the_cited_documents_that_may_be_shipped_are_in_the_repository():
    documents = load_documents()
    shipped = {name for name, document in documents.items() if document.shipped}
    assert shipped and all((settings.SEEDS_DIR / name).is_file() for name in shipped)
    assert {path.name for path in settings.SEEDS_DIR.glob("*.txt")} == shipped  # nothing that may not be shipped


def test_no_tracked_file_refers_outside_the_repository():
    tracked = subprocess.run(["git", "ls-files"], cwd=settings.ROOT, capture_output=True, text=True).stdout.split()
    beside = "../" + "shared"  # the folder our own machines put beside the checkout; a clone has nothing there
    outside = [
        name
        for name in tracked
        if name.endswith((".py", ".md", ".yml", ".html", ".js", ".sh", "Makefile"))
        and beside in (settings.ROOT / name).read_text(encoding="utf-8")
    ]
    assert outside == []


def test_every_source_of_every_answer_has_an_address_a_reader_can_open(store):
    for row in store.articles().values():
        for source in RenderedArticle(row).sources:
            assert source["url"] and source["url"].startswith(("https://", f"{settings.PUBLIC_WEB_URL}/bronnen/")), (
                row.id,
                source["title"],
            )


def test_every_scope_article_exists_and_validates(articles):
    assert len(scope_ids()) >= 29
    assert scope_ids() <= set(articles)


@pytest.mark.parametrize("article_id, laws", HEADLINE.items())
def test_headline_articles_cite_their_rules(articles, article_id, laws):
    article = articles[article_id]
    cited = " ".join(f"{basis.law} {basis.article}" for basis in article.legal_basis)
    for law in laws:
        assert law in cited, f"{article_id} mist {law}"


def test_every_legal_basis_has_a_version_date_and_official_url(articles):
    for article in articles.values():
        for basis in article.legal_basis:
            assert basis.url.startswith("https://"), (article.id, basis.key)


def test_every_seed_citation_shows_the_year_of_its_document(articles):
    """Seed documents describe 2017-2024 situations; the clerk sees the year with every citation of them."""
    for article in articles.values():
        for source in article.sources:
            if source.seed:
                assert re.search(r"\b20(1[7-9]|2[0-4])\b", source.title), (article.id, source.key)


def copy_knowledge(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(settings.KNOWLEDGE_DIR, target)
    return target


def break_article(directory: Path, change) -> Path:
    path = directory / "brp_briefadres_opvang.yml"
    article = yaml.safe_load(path.read_text())
    change(article)
    path.write_text(yaml.safe_dump(article, allow_unicode=True))
    return path


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda a: a.pop("legal_basis"), "legal_basis"),
        (lambda a: a.update(last_verified="gisteren"), "last_verified"),
        (lambda a: a.update(short_answer="Ja, dat mag."), "short_answer"),
        (lambda a: a["steps"].append("Doe iets [bestaat-niet]."), "steps."),
        (lambda a: a["sources"].append({"key": "los", "title": "Ongebruikt", "url": "https://example.org"}), "sources"),
        (lambda a: a["sources"].append({"key": "seed", "title": "Seed zonder regels", "url": None}), "sources"),
        (lambda a: a.update(related=["bestaat_niet"]), "related.0"),
        (lambda a: a["legal_basis"][0].update(bwb="geen-bwb"), "legal_basis.0.bwb"),
        (lambda a: a["legal_basis"][0].update(article_number="9.99"), "legal_basis.0"),  # a link to another article
        (lambda a: a["sources"][-1].update(lines="9000-9001"), "sources."),  # lines the document does not have
        (lambda a: a["sources"][-1].update(lines=None, page=3), "sources."),  # a shipped document is cited by line
        (lambda a: a["sources"][-1].update(seed="onbekend.txt"), "sources."),
    ],
)
def test_a_malformed_article_stops_the_load_naming_file_and_field(tmp_path, change, field):
    path = break_article(copy_knowledge(tmp_path), change)
    with pytest.raises(KnowledgeError) as error:
        load_articles(path.parent)
    assert str(path) in str(error.value)
    assert f"veld '{field}" in str(error.value)


def test_invalid_yaml_is_reported_with_the_file(tmp_path):
    directory = copy_knowledge(tmp_path)
    (directory / "kapot.yml").write_text("id: [niet gesloten\n")
    with pytest.raises(KnowledgeError, match="kapot.yml: geen geldige YAML"):
        load_articles(directory)


def test_store_round_trip_and_rendering(tmp_path, articles):
    store = Store(tmp_path / "app.db")
    store.replace_articles(list(articles.values()))
    row = store.articles()["brp_briefadres_opvang"]
    rendered = RenderedArticle(row)
    sections = rendered.sections()
    text = as_text(row.title, sections, rendered.sources)
    assert text.startswith(f"**{row.title}**\n\n{rendered.short}")
    assert "[brp" not in text and "[wbrp" not in text
    cited = [source["title"] for source in rendered.sources]
    assert len(cited) == len(set(cited)) == len(row.sources), "elke bron precies één keer in de bronnenlijst"
    assert [source["number"] for source in rendered.sources] == list(range(1, len(cited) + 1))
    payload = rendered.payload(0.93, sections)
    assert payload["type"] == "answer" and payload["article"] == "brp_briefadres_opvang"
    assert [section["key"] for section in payload["sections"]] == [
        "kort",
        "stappen",
        "opschalen",
        "uitleg",
        "voorbehouden",
    ]
    assert any(
        (source["url"] or "").startswith("https://wetten.overheid.nl/jci1.3:c:BWBR0033715&artikel=")
        for source in payload["sources"]
    )
    assert payload["last_verified"] == row.last_verified.isoformat()
    store.replace_articles(list(articles.values()))  # reloading keeps one copy of each article
    assert len(store.articles()) == len(articles)
