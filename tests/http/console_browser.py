#!/usr/bin/python3
"""Drives Debian's chromium through chromedriver (python3-selenium) over the console, as a clerk
does on the first day: signs in with the one-time password, is sent to change it, changes it,
lands on the home page. Screenshots at 390 and 1280 px wide go to OUT_DIR.

Usage: console_browser.py BASE_URL USERNAME ONE_TIME_PASSWORD NEW_PASSWORD OUT_DIR
Prints one line per step reached ("STEP name"); exits non-zero on the first failure.
"""
import sys

import chromium_driver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, username, one_time, new_password, out_dir = sys.argv[1:6]

driver = chromium_driver.start()


def wait_for_url(suffix):
    """After a click: the form's answer (a redirect after an argon2id check) may take a moment
    on a loaded machine; the next page is the one whose URL ends in `suffix`."""
    try:
        WebDriverWait(driver, 30).until(lambda d: d.current_url.endswith(suffix))
    except Exception:
        raise AssertionError(f"expected a URL ending in {suffix}, at {driver.current_url}")


def step(name):
    print("STEP", name, flush=True)


def shots(name, height_390=844, height_1280=800):
    """The current page at a phone's and a desktop's width (viewport sized, no scrollbars)."""
    for width, height in ((390, height_390), (1280, height_1280)):
        driver.set_window_size(width, height)
        # The window's outer size includes no chrome in headless mode; check the viewport.
        inner = driver.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]")
        if inner[1] > inner[0]:
            raise SystemExit(f"{name} at {width}px scrolls sideways: {inner}")
        driver.save_screenshot(f"{out_dir}/console-{name}-{width}.png")


try:
    driver.get(base + "/console/")
    assert driver.current_url.endswith("/console/login"), driver.current_url
    assert "追溯管理控制台" in driver.page_source
    shots("login")
    step("login-page")

    driver.set_window_size(390, 844)
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(one_time)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for_url("/console/password")
    assert "首次登录" in driver.page_source
    shots("password")
    step("forced-password-change")

    driver.find_element(By.NAME, "current").send_keys(one_time)
    driver.find_element(By.NAME, "new_password").send_keys(new_password)
    driver.find_element(By.NAME, "repeat").send_keys(new_password)
    driver.find_element(By.CSS_SELECTOR, "main form.stack button[type=submit]").click()
    wait_for_url("/console/")
    cookies = driver.get_cookies()
    session = [c for c in cookies if c["name"] == "agritrace_console"]
    assert session and session[0]["httpOnly"] and session[0].get("sameSite") == "Strict", cookies
    step("home")
    print("HOME", driver.find_element(By.TAG_NAME, "main").text.replace("\n", " | "), flush=True)
    shots("home", 844, 800)

    driver.set_window_size(1280, 800)
    driver.find_element(By.CSS_SELECTOR, ".bar button[type=submit]").click()
    wait_for_url("/console/login")
    driver.get(base + "/console/")
    assert driver.current_url.endswith("/console/login"), driver.current_url
    step("signed-out")
finally:
    driver.quit()
