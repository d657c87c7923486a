#!/usr/bin/python3
"""Drives Debian's chromium through chromedriver (python3-selenium) over the bureau's console: a
bureau-admin signs in, adds an organisation, a certification for an existing product and a clerk,
and reads the clerk's one-time password from the page; the clerk signs in with it and is sent to
change it. Screenshots of the organisations and audit pages at 390 and 1280 px go to OUT_DIR.

Usage: console_bureau.py BASE_URL ADMIN ADMIN_PASSWORD HOLDER_ORG PRODUCT OUT_DIR
Prints one line per step reached ("STEP name"); exits non-zero on the first failure.
"""
import sys

import chromium_driver
from browser_steps import Browser, step
from selenium.webdriver.common.by import By

base, admin, admin_password, holder, product, out_dir = sys.argv[1:7]

driver = chromium_driver.start()
b = Browser(driver, out_dir)


def submit(form):
    b.click_and_wait_page(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


try:
    b.sign_in(base, admin, admin_password)
    assert "登记概况" in driver.page_source
    step("signed-in")

    driver.get(base + "/console/orgs")
    form = driver.find_element(By.CSS_SELECTOR, "#add form")
    b.fill(form, {"name": "白沙县元门村蜂蜜专业合作社", "credit_code": "91460000MA5T0000FT",
                  "kind": "cooperative", "region": "469025101202"})
    submit(form)
    b.wait_for(lambda d: "/console/orgs/" in d.current_url, "the new organisation's page")
    assert "白沙县元门村蜂蜜专业合作社" in driver.page_source
    new_org = driver.current_url.rsplit("/", 1)[1]
    print("ORG", new_org, flush=True)
    step("organisation-added")

    driver.get(base + "/console/certs")
    form = driver.find_element(By.CSS_SELECTOR, "#add form")
    b.fill(form, {"type": "pollution-free", "number": "WGH-HN-26-00888", "issuer": "海南省农业农村厅",
                  "holder": holder, "products": product, "annual_output_kg": "3000"})
    b.set_value(form.find_element(By.NAME, "valid_from"), "2026-01-01")
    b.set_value(form.find_element(By.NAME, "valid_to"), "2028-12-31")
    submit(form)
    b.wait_for_url("/console/certs/WGH-HN-26-00888")
    assert "海南省农业农村厅" in driver.page_source
    step("certification-added")

    driver.get(base + "/console/orgs/" + holder)
    form = driver.find_element(By.CSS_SELECTOR, "#add-account form")
    b.fill(form, {"username": "li.na", "role": "clerk"})
    submit(form)
    b.wait_for(lambda d: d.find_elements(By.ID, "one-time-password"), "the one-time password")
    one_time = driver.find_element(By.ID, "one-time-password").text.strip()
    assert len(one_time) == 12, one_time
    step("clerk-added")

    driver.get(base + "/console/orgs?q=" + "白沙")
    b.shots("orgs", max_height=2400)
    driver.get(base + "/console/audit")
    assert "越权访问记录" in driver.page_source
    b.shots("audit", max_height=2400)
    step("screenshots")

    driver.set_window_size(1280, 900)
    b.sign_out()
    b.sign_in(base, "li.na", one_time, lands_on="/console/password")
    assert "首次登录" in driver.page_source
    step("clerk-must-change-password")
finally:
    driver.quit()
