#!/usr/bin/python3
"""Drives Debian's chromium through chromedriver (python3-selenium) over the bureau's console: a
bureau-admin signs in, adds an organisation, a certification for an existing product and a clerk,
and reads the clerk's one-time password from the page; the clerk signs in with it and is sent to
change it. Screenshots of the organisations and audit pages at 390 and 1280 px go to OUT_DIR.

Usage: console_bureau.py BASE_URL ADMIN ADMIN_PASSWORD HOLDER_ORG PRODUCT OUT_DIR
Prints one line per step reached ("STEP name"); exits non-zero on the first failure.
"""
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

base, admin, admin_password, holder, product, out_dir = sys.argv[1:7]

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--hide-scrollbars", "--lang=zh-CN"):
    options.add_argument(arg)
options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(30)


def wait_for(predicate, what):
    try:
        WebDriverWait(driver, 30).until(lambda d: predicate(d))
    except Exception:
        raise AssertionError(f"waited for {what}, at {driver.current_url}")


def wait_for_url(suffix):
    wait_for(lambda d: d.current_url.endswith(suffix), f"a URL ending in {suffix}")


def step(name):
    print("STEP", name, flush=True)


def shots(name):
    """The whole page at a phone's and a desktop's width; never scrolling sideways."""
    for width in (390, 1280):
        driver.set_window_size(width, 900)
        inner = driver.execute_script(
            "return [window.innerWidth, document.documentElement.scrollWidth, "
            "document.documentElement.scrollHeight]")
        if inner[1] > inner[0]:
            raise SystemExit(f"{name} at {width}px scrolls sideways: {inner}")
        driver.set_window_size(width, min(inner[2], 2400))
        driver.save_screenshot(f"{out_dir}/console-{name}-{width}.png")


def fill(form, fields):
    for name, value in fields.items():
        element = form.find_element(By.NAME, name)
        if element.tag_name == "select":
            Select(element).select_by_value(value)
        else:
            element.clear()
            element.send_keys(value)


try:
    driver.get(base + "/console/login")
    driver.find_element(By.NAME, "username").send_keys(admin)
    driver.find_element(By.NAME, "password").send_keys(admin_password)
    driver.find_element(By.CSS_SELECTOR, "main form.stack button[type=submit]").click()
    wait_for_url("/console/")
    assert "登记概况" in driver.page_source
    step("signed-in")

    driver.get(base + "/console/orgs")
    form = driver.find_element(By.CSS_SELECTOR, "#add form")
    fill(form, {"name": "白沙县元门村蜂蜜专业合作社", "credit_code": "91460000MA5T0000FT",
                "kind": "cooperative", "region": "469025101202"})
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(lambda d: "/console/orgs/" in d.current_url, "the new organisation's page")
    assert "白沙县元门村蜂蜜专业合作社" in driver.page_source
    new_org = driver.current_url.rsplit("/", 1)[1]
    print("ORG", new_org, flush=True)
    step("organisation-added")

    driver.get(base + "/console/certs")
    form = driver.find_element(By.CSS_SELECTOR, "#add form")
    fill(form, {"type": "pollution-free", "number": "WGH-HN-26-00888", "issuer": "海南省农业农村厅",
                "holder": holder, "products": product, "annual_output_kg": "3000"})
    # Date inputs take the browser's own format; set them as the form would send them.
    for name, value in (("valid_from", "2026-01-01"), ("valid_to", "2028-12-31")):
        driver.execute_script("arguments[0].value = arguments[1]",
                              form.find_element(By.NAME, name), value)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for_url("/console/certs/WGH-HN-26-00888")
    assert "海南省农业农村厅" in driver.page_source
    step("certification-added")

    driver.get(base + "/console/orgs/" + holder)
    form = driver.find_element(By.CSS_SELECTOR, "#add-account form")
    fill(form, {"username": "li.na", "role": "clerk"})
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(lambda d: d.find_elements(By.ID, "one-time-password"), "the one-time password")
    one_time = driver.find_element(By.ID, "one-time-password").text.strip()
    assert len(one_time) == 12, one_time
    step("clerk-added")

    driver.get(base + "/console/orgs?q=" + "白沙")
    shots("orgs")
    driver.get(base + "/console/audit")
    assert "越权访问记录" in driver.page_source
    shots("audit")
    step("screenshots")

    driver.set_window_size(1280, 900)
    driver.find_element(By.CSS_SELECTOR, ".bar button[type=submit]").click()
    wait_for_url("/console/login")
    driver.find_element(By.NAME, "username").send_keys("li.na")
    driver.find_element(By.NAME, "password").send_keys(one_time)
    driver.find_element(By.CSS_SELECTOR, "main form.stack button[type=submit]").click()
    wait_for_url("/console/password")
    assert "首次登录" in driver.page_source
    step("clerk-must-change-password")
finally:
    driver.quit()
