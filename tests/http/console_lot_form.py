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
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

base, username, password, harvested, packed, out_dir = sys.argv[1:7]

# As a spreadsheet puts cells on the clipboard: tabs between cells, CRLF after rows, a header.
PASTE = "户号\t公斤\t脱贫户\r\nH-0101\t60.5\t是\r\nH-0102\t30\t否\r\nH-0103\t9.5\t是\r\n"

driver = chromium_driver.start()


def step(name):
    print("STEP", name, flush=True)


def wait(condition, what):
    try:
        WebDriverWait(driver, 30).until(condition)
    except Exception:
        raise AssertionError(f"waited for {what}, at {driver.current_url}")


def click_and_wait_page(element):
    """Clicks a submit button and waits for the next document (the old one goes stale)."""
    html = driver.find_element(By.TAG_NAME, "html")
    element.click()
    wait(lambda d: _stale(html), "the next page")


def _stale(element):
    try:
        element.is_enabled()
        return False
    except Exception:
        return True


def set_value(name, value):
    """A date input or the paste box: typing a tab would move the focus, and a date input's
    typed format follows the locale, so the value is set as a paste or the date picker sets it."""
    field = driver.find_element(By.NAME, name)
    driver.execute_script("arguments[0].value = arguments[1]", field, value)


def fill_lot(product_text, units, cert=None):
    Select(driver.find_element(By.NAME, "product_id")).select_by_visible_text(product_text)
    driver.find_element(By.NAME, "origin_q").send_keys("南溪")
    click_and_wait_page(driver.find_element(By.CSS_SELECTOR, "button[value=filter]"))
    Select(driver.find_element(By.NAME, "origin")).select_by_value("469025100201")
    set_value("harvested", harvested)
    set_value("packed", packed)
    units_input = driver.find_element(By.NAME, "units")
    units_input.clear()
    units_input.send_keys(units)
    if cert:
        box = driver.find_element(By.CSS_SELECTOR, f"input[name=certs][value='{cert}']")
        if not box.is_selected():
            box.click()
    set_value("paste", PASTE)


def preview_button():
    # The visible one: the form's first (off-screen) button only makes Enter preview.
    return driver.find_element(By.CSS_SELECTOR, "div.btns button[value=preview]")


def shots(name):
    """The whole page at a phone's and a desktop's width; it must not scroll sideways."""
    for width in (390, 1280):
        driver.set_window_size(width, 900)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(height, 6000))
        inner = driver.execute_script(
            "return [window.innerWidth, document.documentElement.scrollWidth]")
        if inner[1] > inner[0]:
            raise SystemExit(f"{name} at {width}px scrolls sideways: {inner}")
        driver.save_screenshot(f"{out_dir}/console-{name}-{width}.png")
    driver.set_window_size(1280, 900)


try:
    driver.set_window_size(390, 844)
    driver.get(base + "/console/login")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(password)
    click_and_wait_page(driver.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait(lambda d: d.current_url.endswith("/console/"), "the home page")
    step("signed-in")

    driver.find_element(By.LINK_TEXT, "产品").click()
    wait(lambda d: d.current_url.endswith("/console/products"), "the products page")
    driver.find_element(By.NAME, "name").send_keys("白沙红茶")
    driver.find_element(By.NAME, "category").send_keys("茶叶")
    driver.find_element(By.NAME, "net_content_g").send_keys("250")
    click_and_wait_page(driver.find_element(By.XPATH, "//button[text()='登记产品']"))
    assert driver.current_url.endswith("/console/products"), driver.current_url
    assert "白沙红茶" in driver.find_element(By.TAG_NAME, "table").text
    step("product-added")

    driver.find_element(By.LINK_TEXT, "发放批次").click()
    wait(lambda d: d.current_url.endswith("/console/lots/new"), "the lot form")
    fill_lot("白沙红茶 · 250 克/件", "100")
    click_and_wait_page(preview_button())
    assert driver.find_element(By.ID, "total-kg").text == "25", driver.page_source
    assert driver.find_element(By.ID, "households-kg").text == "100"
    assert driver.find_element(By.ID, "poor-share").text == "70.0%"
    # The pasted lines became table rows.
    assert driver.find_element(By.NAME, "hh_id_2").get_attribute("value") == "H-0103"
    step("previewed")
    shots("lot-form")

    click_and_wait_page(driver.find_element(By.CSS_SELECTOR, "button[value=issue]"))
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
    click_and_wait_page(preview_button())
    certs = driver.find_element(By.ID, "certs")
    reason = certs.find_element(By.CLASS_NAME, "ferr").text
    assert "年核定产量 5000 公斤" in reason, reason
    assert driver.find_element(By.NAME, "units").get_attribute("value") == "20001"
    assert driver.find_elements(By.CSS_SELECTOR, "button[value=issue]") == []
    print("REFUSED", reason.replace("\n", " | "), flush=True)
    step("over-output-refused")
finally:
    driver.quit()
