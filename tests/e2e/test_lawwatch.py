"""`make check-law` against a stand-in for KOOP's BWB repository: a superseded article, a missing regulation, an
unreachable service and an article not verified for over a year are each reported in Dutch with a non-zero exit;
a stale article's answer says so over REST and the trainer sees it on the review page."""

import datetime
import re
import shutil
import subprocess

import pytest

from bot import settings
from bot.knowledge.articles import load_articles
from bot.knowledge.store import Store
from tests.support.fake_bwb import FakeBwbRepository
from tests.support.ports import free_port

TODAY = "2026-12-01"


def check_law(repository_url: str, app_db, *extra, env=None) -> subprocess.CompletedProcess:
    env = {**(env or {}), "BALIEGIDS_BWB_REPOSITORY_URL": repository_url, "BALIEGIDS_APP_DB": str(app_db)}
    return subprocess.run(
        [settings.PYTHON, "-m", "bot.knowledge.lawwatch", "--datum", TODAY, *extra],
        cwd=settings.ROOT,
        env={**__import__("os").environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def repository():
    fake = FakeBwbRepository(free_port(), load_articles())
    yield fake
    fake.stop()


def lines_for(output: str, article_id: str, citation: str) -> list:
    return [line for line in output.splitlines() if line.startswith(article_id) and citation in line]


def test_everything_current_exits_zero(repository, tmp_path):
    done = check_law(repository.url, tmp_path / "app.db")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert " 0 verouderd, 0 niet te controleren, 0 artikelen langer dan 12 maanden niet nagekeken." in done.stdout


def test_a_superseded_article_and_a_missing_regulation_are_reported(repository, tmp_path):
    repository.amend("BWBR0033715", "2.40", datetime.date(2026, 11, 15))  # Wet BRP: a new text of art. 2.40
    repository.missing.add("BWBR0008659")  # Wet op de huurtoeslag
    done = check_law(repository.url, tmp_path / "app.db")
    assert done.returncode == 1
    [stale] = lines_for(done.stdout, "brp_briefadres_opvang", "art. 2.40")
    assert "2026-10-01 2026-11-15 verouderd: nieuwere tekst sinds 2026-11-15" in stale
    other = lines_for(done.stdout, "brp_briefadres_opvang", "art. 2.41")[0]
    assert other.rstrip().endswith("actueel")  # a newer version of the law, but this article did not change
    missing = lines_for(done.stdout, "toeslagen_huurtoeslag", "Wet op de huurtoeslag")[0]
    assert "niet te controleren (regeling BWBR0008659 niet gevonden in de wettenbank)" in missing


def test_an_unreachable_service_gives_a_dutch_error_and_checks_nothing(tmp_path):
    done = check_law(f"http://127.0.0.1:{free_port()}/bwb", tmp_path / "app.db")
    assert done.returncode == 2
    assert done.stderr.startswith("FOUT: de wettenbank op http://127.0.0.1:") and "niet bereikbaar" in done.stderr


def test_an_article_not_verified_for_a_year_is_reported(repository, tmp_path):
    knowledge = tmp_path / "articles"
    shutil.copytree(settings.KNOWLEDGE_DIR, knowledge)
    path = knowledge / "wi_voorschot.yml"
    path.write_text(re.sub(r"^last_verified: .*$", "last_verified: 2025-10-01", path.read_text(), flags=re.M))
    done = check_law(repository.url, tmp_path / "app.db", env={"BALIEGIDS_KNOWLEDGE_DIR": str(knowledge)})
    assert done.returncode == 1
    assert "wi_voorschot" in done.stdout and "last_verified 2025-10-01 is ouder dan 12 maanden" in done.stdout


def test_a_stale_article_says_so_in_its_answer_and_on_the_review_page(repository, servers, chat, web, trainer_login):
    repository.amend("BWBR0033715", "2.40", datetime.date(2026, 11, 15))
    assert check_law(repository.url, servers["app_db"]).returncode == 1
    try:
        reply = chat.ask("/brp_briefadres_opvang")
        notice = reply["sections"][0]
        assert notice["key"] == "wetswijziging" and "sinds 2026-11-15 een nieuwe tekst" in notice["text"]
        assert "dit antwoord wordt daarop gecontroleerd" in reply["_text"]
        page = trainer_login.get(f"{web['url']}/review", timeout=10).text
        assert "Mogelijk verouderd" in page and "art. 2.40" in page and "2026-11-15" in page
    finally:
        Store(servers["app_db"]).replace_law_status([])
    assert chat.ask("/brp_briefadres_opvang")["sections"][0]["key"] == "kort"
