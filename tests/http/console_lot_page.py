#!/usr/bin/python3
"""Drives Debian's chromium through chromedriver (python3-selenium) over a lot's console page, as
a clerk does: signs in, opens the lot, adds a trace step, mints 100 codes, downloads the A4 PDF
of their labels, decodes a QR code from the file (pdftoppm, zbarimg) and opens its consumer
page. Screenshots of the lot page at 390 and 1280 px wide go to OUT_DIR.

Usage: console_lot_page.py BASE_URL USERNAME PASSWORD LOT_CODE OUT_DIR DOWNLOAD_DIR
Prints one line per step reached ("STEP name"), the decoded URL ("QR url") and the consumer
page's banner ("CONSUMER text"); exits non-zero on the first failure.
"""
import glob
import os
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

base, username, password, lot, out_dir, download_dir = sys.argv[1:7]

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--hide-scrollbars", "--lang=zh-CN"):
    options.add_argument(arg)
options.add_experimental_option("prefs", {
    "intl.accept_languages": "zh-CN,zh",
    "download.default_directory": download_dir,
    "download.prompt_for_download": False,
})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(60)
# Headless Chromium keeps downloads only where it is told to, by the DevTools protocol.
driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                       {"behavior": "allow", "downloadPath": download_dir})


def wait_for(predicate, what, seconds=60):
    try:
        WebDriverWait(driver, seconds).until(lambda d: predicate())
    except Exception:
        raise AssertionError(f"waited for {what}, at {driver.current_url}")


def step(name):
    print("STEP", name, flush=True)


def shots(name, heights=(3000, 2000)):
    """The current page at a phone's and a desktop's width, with no sideways scrolling."""
    for width, height in zip((390, 1280), heights):
        driver.set_window_size(width, height)
        inner = driver.execute_script(
            "return [window.innerWidth, document.documentElement.scrollWidth]")
        if inner[1] > inner[0]:
            raise SystemExit(f"{name} at {width}px scrolls sideways: {inner}")
        driver.save_screenshot(f"{out_dir}/console-{name}-{width}.png")


try:
    driver.set_window_size(390, 844)
    driver.get(base + "/console/login")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(lambda: driver.current_url.endswith("/console/"), "the home page")
    driver.find_element(By.CSS_SELECTOR, f"a[href='/console/lots/{lot}']").click()
    wait_for(lambda: f"/console/lots/{lot}" in driver.current_url, "the lot page")
    assert "签名有效" in driver.page_source, "no valid signature shown"
    step("lot-page")

    Select(driver.find_element(By.NAME, "step")).select_by_value("shipping")
    driver.find_element(By.NAME, "note").send_keys("冷链车发往海口批发市场")
    driver.find_element(By.CSS_SELECTOR, "#trace form button[type=submit]").click()
    wait_for(lambda: driver.current_url.endswith("#trace"), "the page after the new step")
    timeline = driver.find_element(By.CSS_SELECTOR, "ol.timeline").text
    assert "冷链车发往海口批发市场" in timeline, timeline
    step("trace-step")
    driver.execute_script("window.scrollTo(0, 0)")
    shots("lot-page")

    driver.set_window_size(1280, 1000)
    driver.find_element(By.CSS_SELECTOR, f"a[href='/console/lots/{lot}/labels']").click()
    wait_for(lambda: driver.current_url.endswith("/labels"), "the labels page")
    driver.find_element(By.NAME, "count").send_keys("100")
    driver.find_element(By.CSS_SELECTOR, "#mint button[type=submit]").click()
    wait_for(lambda: "minted=1-100" in driver.current_url, "the page after minting")
    minted = driver.find_element(By.CSS_SELECTOR, "[data-minted]").get_attribute("data-minted")
    assert minted == "100", minted
    step("minted")

    # The preview is an image from our server (the page's CSP must admit it).
    wait_for(lambda: driver.execute_script(
        "var i=document.getElementById('preview');return i.complete&&i.naturalWidth>0"),
        "the preview image")
    # Settings change: the inline script (allowed by its hash) updates the download form.
    Select(driver.find_element(By.NAME, "format")).select_by_value("a4")
    assert driver.find_element(By.ID, "p-format").get_attribute("value") == "a4", \
        "the inline script did not carry the format to the download form"
    driver.find_element(By.ID, "download").click()
    pdfs = []

    def downloaded():
        pdfs[:] = [p for p in glob.glob(os.path.join(download_dir, "*.pdf"))]
        return bool(pdfs) and not glob.glob(os.path.join(download_dir, "*.crdownload"))
    wait_for(downloaded, "the downloaded PDF")
    time.sleep(0.5)
    step("downloaded " + os.path.basename(pdfs[0]))

    page_png = os.path.join(download_dir, "page")
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "-singlefile",
                    pdfs[0], page_png], check=True)
    zbar = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable",
                           page_png + ".png"], capture_output=True, text=True)
    urls = [line for line in zbar.stdout.splitlines() if "://" in line]
    assert urls, f"no QR code decoded: {zbar.stdout} {zbar.stderr}"
    print("QR", urls[0], "of", len(urls), flush=True)
    path = urls[0][urls[0].index("/", urls[0].index("://") + 3):]
    driver.get(base + path)
    banner = driver.find_element(By.TAG_NAME, "main").text.replace("\n", " | ")
    print("CONSUMER", banner[:300], flush=True)
    step("consumer-page")
finally:
    driver.quit()
