"""Debian's chromium through chromedriver (python3-selenium), headless, Chinese first: the
browser the console's browser tests drive (tests/http/console_*.py, with browser_steps.py)."""
from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def start(download_dir=None, page_load_timeout=30):
    """A new browser; files it downloads land in `download_dir` when one is given."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                "--lang=zh-CN"):
        options.add_argument(arg)
    prefs = {"intl.accept_languages": "zh-CN,zh"}
    if download_dir:
        prefs.update({"download.default_directory": download_dir,
                      "download.prompt_for_download": False})
    options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(page_load_timeout)
    if download_dir:
        # Headless Chromium keeps downloads only where it is told to, by the DevTools protocol.
        driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": download_dir})
    return driver
