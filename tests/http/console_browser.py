#!/usr/bin/python3
"""Drives Debian's chromium through chromedriver (python3-selenium) over the console, as a clerk
does on the first day: signs in with the one-time password, is sent to change it, changes it,
lands on the home page. Screenshots at 390 and 1280 px wide go to OUT_DIR.

Usage: console_browser.py BASE_URL USERNAME ONE_TIME_PASSWORD NEW_PASSWORD OUT_DIR
Prints one line per step reached ("STEP name"); exits non-zero on the first failure.
"""
import sys

import chromium_driver
from browser_steps import Browser, step
from selenium.webdriver.common.by import By

base, username, one_time, new_password, out_dir = sys.argv[1:6]

driver = chromium_driver.start()
b = Browser(driver, out_dir)


def shots(name):
    """Viewport sized: each page as a phone and a desktop first show it."""
    b.shots(name, heights=(844, 800))


try:
    driver.get(base + "/console/")
    assert driver.current_url.endswith("/console/login"), driver.current_url
    assert "追溯管理控制台" in driver.page_source
    shots("login")
    step("login-page")

    driver.set_window_size(390, 844)
    b.sign_in(base, username, one_time, lands_on="/console/password")
    assert "首次登录" in driver.page_source
    shots("password")
    step("forced-password-change")

    driver.find_element(By.NAME, "current").send_keys(one_time)
    driver.find_element(By.NAME, "new_password").send_keys(new_password)
    driver.find_element(By.NAME, "repeat").send_keys(new_password)
    b.click_and_wait_page(
        driver.find_element(By.CSS_SELECTOR, "main form.stack button[type=submit]"))
    b.wait_for_url("/console/")
    cookies = driver.get_cookies()
    session = [c for c in cookies if c["name"] == "agritrace_console"]
    assert session and session[0]["httpOnly"] and session[0].get("sameSite") == "Strict", cookies
    step("home")
    print("HOME", driver.find_element(By.TAG_NAME, "main").text.replace("\n", " | "), flush=True)
    shots("home")

    driver.set_window_size(1280, 800)
    b.sign_out()
    driver.get(base + "/console/")
    assert driver.current_url.endswith("/console/login"), driver.current_url
    step("signed-out")
finally:
    driver.quit()
