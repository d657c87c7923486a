#!/usr/bin/python3
"""Drives Debian's chromium through chromedriver (python3-selenium) over the cooperative's
console pages, as a clerk does: adds a product, opens the lot form, finds the village, pastes
three households copied from a spreadsheet (tab-separated cells), previews (the totals must
show), signs and issues, and lands on the lot's address. Then a lot over the certificate's
certified output is refused with the reason beside the certificates. Screenshots of the
previewed lot form at 390 and 1280 px wide go to OUT_DIR (console-lot-form-390.png, -1280.png).

Usage: console_lot_form.py BASE_URL USERNAME PASSWORD HARVESTED PACKED OUT_DIR
Prints one line per step reached ("STEP name") and "LOT code"; exits non-zero on a failure.
"""
import sys

import chromium_driver
import browser_steps
from browser_steps import Browser, preview_button, step
from selenium.webdriver.common.by import By

base, username, password, harvested, packed, out_dir = sys.argv[1:7]

driver = chromium_driver.start()
b = Browser(driver, out_dir)


def fill_lot(product_text, units, cert=None):
    browser_steps.fill_lot(b, product_text, units, harvested, packed, cert)


def shots(name):
    """The whole page; the window is left at a desktop's size."""
    b.shots(name)
    driver.set_window_size(1280, 900)


try:
    driver.set_window_size(390, 844)
    b.sign_in(base, username, password)
    step("signed-in")

    driver.find_element(By.LINK_TEXT, "产品").click()
    b.wait_for_url("/console/products")
    driver.find_element(By.NAME, "name").send_keys("白沙红茶")
    driver.find_element(By.NAME, "category").send_keys("茶叶")
    driver.find_element(By.NAME, "net_content_g").send_keys("250")
    b.click_and_wait_page(driver.find_element(By.XPATH, "//button[text()='登记产品']"))
    assert driver.current_url.endswith("/console/products"), driver.current_url
    assert "白沙红茶" in driver.find_element(By.TAG_NAME, "table").text
    step("product-added")

    driver.find_element(By.LINK_TEXT, "发放批次").click()
    b.wait_for_url("/console/lots/new")
    fill_lot("白沙红茶 · 250 克/件", "100")
    b.click_and_wait_page(preview_button(b))
    assert driver.find_element(By.ID, "total-kg").text == "25", driver.page_source
    assert driver.find_element(By.ID, "households-kg").text == "100"
    assert driver.find_element(By.ID, "poor-share").text == "70.0%"
    # The pasted lines became table rows.
    assert driver.find_element(By.NAME, "hh_id_2").get_attribute("value") == "H-0103"
    step("previewed")
    shots("lot-form")

    b.click_and_wait_page(driver.find_element(By.CSS_SELECTOR, "button[value=issue]"))
    path = driver.current_url[len(base):]
    assert path.startswith("/console/lots/") and path != "/console/lots/new", path
    print("LOT", path[len("/console/lots/"):], flush=True)
    step("issued")

    driver.get(base + "/console/")
    assert path[len("/console/lots/"):] in driver.page_source
    step("listed")

    # 20,001 units of 250 g: over the green-food certificate's 5,000 kg a year.
    driver.get(base + "/console/lots/new")
    fill_lot("白沙绿茶 · 250 克/件", "20001", cert="LB-18-2304460123A")
    b.click_and_wait_page(preview_button(b))
    certs = driver.find_element(By.ID, "certs")
    reason = certs.find_element(By.CLASS_NAME, "ferr").text
    assert "年核定产量 5000 公斤" in reason, reason
    assert driver.find_element(By.NAME, "units").get_attribute("value") == "20001"
    assert driver.find_elements(By.CSS_SELECTOR, "button[value=issue]") == []
    print("REFUSED", reason.replace("\n", " | "), flush=True)
    step("over-output-refused")
finally:
    driver.quit()
