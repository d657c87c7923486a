#!/usr/bin/python3
"""Drives Debian's chromium through chromedriver (python3-selenium) over a lot's console page, as
a clerk does: signs in, opens the lot, adds a trace step, mints 100 codes, downloads the A4 PDF
of their labels, decodes a QR code from the file (pdftoppm, zbarimg) and opens its consumer
page. Screenshots of the lot page at 390 and 1280 px wide go to OUT_DIR.

Usage: console_lot_page.py BASE_URL USERNAME PASSWORD LOT_CODE OUT_DIR DOWNLOAD_DIR
Prints one line per step reached ("STEP name"), the decoded URL ("QR url") and the consumer
page's banner ("CONSUMER text"); exits non-zero on the first failure.
"""
import sys

import browser_steps
import chromium_driver
from browser_steps import Browser, step
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

base, username, password, lot, out_dir, download_dir = sys.argv[1:7]

driver = chromium_driver.start(download_dir, page_load_timeout=60)
b = Browser(driver, out_dir, seconds=60)

try:
    driver.set_window_size(390, 844)
    b.sign_in(base, username, password)
    b.click_and_wait_page(driver.find_element(By.CSS_SELECTOR, f"a[href='/console/lots/{lot}']"))
    b.wait_for(lambda d: f"/console/lots/{lot}" in d.current_url, "the lot page")
    assert "签名有效" in driver.page_source, "no valid signature shown"
    step("lot-page")

    Select(driver.find_element(By.NAME, "step")).select_by_value("shipping")
    driver.find_element(By.NAME, "note").send_keys("冷链车发往海口批发市场")
    driver.find_element(By.CSS_SELECTOR, "#trace form button[type=submit]").click()
    b.wait_for(lambda d: d.current_url.endswith("#trace"), "the page after the new step")
    timeline = driver.find_element(By.CSS_SELECTOR, "ol.timeline").text
    assert "冷链车发往海口批发市场" in timeline, timeline
    step("trace-step")
    driver.execute_script("window.scrollTo(0, 0)")
    b.shots("lot-page", heights=(3000, 2000))

    driver.set_window_size(1280, 1000)
    pdf = browser_steps.mint_and_download_a4(b, lot, 100, download_dir)
    urls = browser_steps.decode_first_page(pdf, download_dir)
    print("QR", urls[0], "of", len(urls), flush=True)
    driver.get(base + browser_steps.path_of(urls[0]))
    banner = driver.find_element(By.TAG_NAME, "main").text.replace("\n", " | ")
    print("CONSUMER", banner[:300], flush=True)
    step("consumer-page")
finally:
    driver.quit()
