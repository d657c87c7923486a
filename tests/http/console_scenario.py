#!/usr/bin/python3
"""Issue 13's proof as one story in Debian's chromium (chromedriver, python3-selenium), on a
registry that holds only regions and a bureau-admin (tests/http/console_scenario_test.cpp sets it
up and checks the database afterwards):

  the bureau-admin (window A) mistypes the password (refused, no session), signs in, adds a tea
  cooperative and its clerk, reading the one-time password off the page; the clerk (window B)
  signs in with it, must change it, changes it, is refused a form whose CSRF token was removed
  (403), adds a product; the bureau-admin reads the product's number off the cooperative's
  product list and registers the cooperative's certification for it (a certification names the
  products it covers, so the product comes first); the clerk issues a lot with three households
  pasted from a spreadsheet, is refused a lot over the certified output, mints 100 codes,
  downloads the A4 PDF, a QR code from it decodes (pdftoppm, zbarimg) to a consumer page that
  shows the product; a clerk of another organisation (window C) opening the lot by its address
  gets the not-found page; the bureau-admin disables the clerk and the clerk's next page load
  lands on the sign-in page; repeated wrong passwords end in the throttle's 429, which then
  refuses even the right password.

Usage: console_scenario.py BASE_URL ADMIN ADMIN_PASSWORD OTHER_CLERK OTHER_PASSWORD HARVESTED
       PACKED DOWNLOAD_DIR THROTTLE_BURST
Prints "STEP name" per step reached and the values the C++ side checks ("ORG id", "PRODUCT id",
"LOT code", "QR url"); exits non-zero on the first failure.
"""
import re
import sys

import browser_steps
import chromium_driver
from browser_steps import Browser, preview_button, step
from selenium.webdriver.common.by import By

(base, admin, admin_password, other_clerk, other_password, harvested, packed, download_dir,
 burst) = sys.argv[1:10]
burst = int(burst)

CLERK, CLERK_PASSWORD = "li.na", "南溪茶园-2026春"
ORG_NAME = "白沙县南溪村茶叶专业合作社"
PRODUCT = "南溪红茶"
CERT = "WGH-HN-26-00888"  # pollution-free, 3,000 kg a year


def session_cookie(driver):
    return [c for c in driver.get_cookies() if c["name"] == "agritrace_console"]


def submit(b, form):
    b.click_and_wait_page(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def try_sign_in(b, username, password):
    """A sign-in that must fail: stays on the sign-in page; the page's error text."""
    b.sign_in(base, username, password, lands_on=None)
    assert b.driver.current_url.endswith("/console/login"), b.driver.current_url
    assert not session_cookie(b.driver), b.driver.get_cookies()
    return b.driver.find_element(By.TAG_NAME, "main").text


drivers = []
try:
    a = Browser(chromium_driver.start(), seconds=60)
    drivers.append(a.driver)
    a.driver.set_window_size(1280, 900)

    # ---- the bureau-admin: a wrong password first ----
    text = try_sign_in(a, admin, "不是这个密码-2026")
    assert "用户名或密码不对" in text, text
    step("wrong-password-refused")

    a.sign_in(base, admin, admin_password)
    step("admin-signed-in")

    a.driver.get(base + "/console/orgs")
    form = a.driver.find_element(By.CSS_SELECTOR, "#add form")
    a.fill(form, {"name": ORG_NAME, "credit_code": "91460000MA5T0000FT", "kind": "cooperative",
                  "region": "469025100201"})
    submit(a, form)
    a.wait_for(lambda d: re.search(r"/console/orgs/\d+$", d.current_url), "the new org's page")
    org = a.driver.current_url.rsplit("/", 1)[1]
    print("ORG", org, flush=True)
    step("organisation-added")

    form = a.driver.find_element(By.CSS_SELECTOR, "#add-account form")
    a.fill(form, {"username": CLERK, "role": "clerk"})
    submit(a, form)
    one_time = a.driver.find_element(By.ID, "one-time-password").text.strip()
    assert len(one_time) == 12, one_time
    step("clerk-added")

    # ---- the clerk, in a second browser: first sign-in ----
    b = Browser(chromium_driver.start(download_dir, page_load_timeout=60), seconds=60)
    drivers.append(b.driver)
    b.driver.set_window_size(390, 844)
    b.sign_in(base, CLERK, one_time, lands_on="/console/password")
    for name, value in (("current", one_time), ("new_password", CLERK_PASSWORD),
                        ("repeat", CLERK_PASSWORD)):
        b.driver.find_element(By.NAME, name).send_keys(value)
    b.click_and_wait_page(
        b.driver.find_element(By.CSS_SELECTOR, "main form.stack button[type=submit]"))
    b.wait_for_url("/console/")
    assert ORG_NAME in b.driver.page_source
    step("clerk-password-changed")

    # A form posted without its CSRF token (as a forged cross-site form would be): refused.
    b.driver.find_element(By.LINK_TEXT, "产品").click()
    b.wait_for_url("/console/products")
    form = b.driver.find_element(By.XPATH, "//button[text()='登记产品']/ancestor::form")
    b.fill(form, {"name": "无令牌的产品", "category": "茶叶", "net_content_g": "250"})
    b.driver.execute_script("arguments[0].remove()",
                            form.find_element(By.CSS_SELECTOR, "input[name=csrf]"))
    b.click_and_wait_page(form.find_element(By.XPATH, ".//button[text()='登记产品']"))
    assert "请求被拒绝" in b.driver.find_element(By.TAG_NAME, "h1").text, b.driver.page_source
    assert "未做任何修改" in b.driver.page_source
    step("csrf-refused")

    b.driver.get(base + "/console/products")
    form = b.driver.find_element(By.XPATH, "//button[text()='登记产品']/ancestor::form")
    b.fill(form, {"name": PRODUCT, "category": "茶叶", "net_content_g": "250"})
    b.click_and_wait_page(form.find_element(By.XPATH, ".//button[text()='登记产品']"))
    assert b.driver.current_url.endswith("/console/products"), b.driver.current_url
    table = b.driver.find_element(By.TAG_NAME, "table").text
    assert PRODUCT in table and "无令牌的产品" not in table, table
    step("product-added")

    # ---- the bureau-admin: the certification, for the product as the list numbers it ----
    a.driver.get(base + "/console/products?org=" + org)
    product = re.search(PRODUCT + r"\s*#(\d+)", a.driver.find_element(By.TAG_NAME, "table").text)
    assert product, a.driver.page_source
    product = product.group(1)
    print("PRODUCT", product, flush=True)
    a.driver.get(base + "/console/certs")
    form = a.driver.find_element(By.CSS_SELECTOR, "#add form")
    a.fill(form, {"type": "pollution-free", "number": CERT, "issuer": "海南省农业农村厅",
                  "holder": org, "products": product, "annual_output_kg": "3000"})
    a.set_value(form.find_element(By.NAME, "valid_from"), "2026-01-01")
    a.set_value(form.find_element(By.NAME, "valid_to"), "2028-12-31")
    submit(a, form)
    a.wait_for_url("/console/certs/" + CERT)
    step("certification-added")

    # ---- the clerk: a lot of three households pasted from a spreadsheet ----
    label = PRODUCT + " · 250 克/件"
    b.driver.get(base + "/console/lots/new")
    browser_steps.fill_lot(b, label, "100", harvested, packed, cert=CERT)
    b.click_and_wait_page(preview_button(b))
    assert b.driver.find_element(By.ID, "total-kg").text == "25", b.driver.page_source
    assert b.driver.find_element(By.ID, "households-kg").text == "100"
    assert b.driver.find_element(By.ID, "poor-share").text == "70.0%"
    b.click_and_wait_page(b.driver.find_element(By.CSS_SELECTOR, "button[value=issue]"))
    path = b.driver.current_url[len(base):]
    assert path.startswith("/console/lots/") and path != "/console/lots/new", path
    lot = path[len("/console/lots/"):]
    assert "签名有效" in b.driver.page_source, "no valid signature shown"
    print("LOT", lot, flush=True)
    step("lot-issued")

    # 20,000 units of 250 g: 5,000 kg, over the certificate's 3,000 kg a year.
    b.driver.get(base + "/console/lots/new")
    browser_steps.fill_lot(b, label, "20000", harvested, packed, cert=CERT)
    b.click_and_wait_page(preview_button(b))
    reason = b.driver.find_element(By.CSS_SELECTOR, "#certs .ferr").text
    assert "年核定产量 3000 公斤" in reason, reason
    assert b.driver.find_element(By.NAME, "units").get_attribute("value") == "20000"
    assert b.driver.find_elements(By.CSS_SELECTOR, "button[value=issue]") == []
    print("REFUSED", reason.replace("\n", " | "), flush=True)
    step("over-output-refused")

    # ---- the clerk: codes, the A4 sheet, a QR code from it opened ----
    b.driver.set_window_size(1280, 1000)
    b.driver.get(base + "/console/")
    b.click_and_wait_page(b.driver.find_element(By.CSS_SELECTOR, f"a[href='/console/lots/{lot}']"))
    pdf = browser_steps.mint_and_download_a4(b, lot, 100, download_dir)
    urls = browser_steps.decode_first_page(pdf, download_dir)
    print("QR", urls[0], "of", len(urls), flush=True)
    b.driver.get(base + browser_steps.path_of(urls[0]))
    consumer = b.driver.find_element(By.TAG_NAME, "main").text
    assert PRODUCT in consumer, consumer
    step("consumer-page")

    # ---- a clerk of another organisation, by the lot's address ----
    c = Browser(chromium_driver.start(), seconds=60)
    drivers.append(c.driver)
    c.sign_in(base, other_clerk, other_password)
    c.driver.get(base + "/console/lots/" + lot)
    assert "没有这个批次" in c.driver.find_element(By.TAG_NAME, "h1").text, c.driver.page_source
    assert PRODUCT not in c.driver.page_source
    c.driver.quit()
    drivers.remove(c.driver)
    step("other-organisation-not-found")

    # ---- the clerk's open session ends when the bureau-admin disables the account ----
    b.driver.get(base + "/console/lots/" + lot)
    assert b.driver.current_url.endswith("/console/lots/" + lot), b.driver.current_url
    a.driver.get(base + "/console/orgs/" + org)
    row = a.driver.find_element(By.XPATH, f"//tr[td[normalize-space()='{CLERK}']]")
    a.click_and_wait_page(row.find_element(By.CSS_SELECTOR, "button[value=disable]"))
    assert "已停用" in a.driver.page_source
    b.driver.refresh()
    b.wait_for_url("/console/login")
    assert not session_cookie(b.driver), b.driver.get_cookies()
    step("disabled-session-ended")

    # ---- throttling: the earlier failure and burst-1 more, then 429 even for the right one ----
    for i in range(burst - 1):
        text = try_sign_in(b, admin, f"猜的密码-{i}")
        assert "用户名或密码不对" in text, text
    text = try_sign_in(b, admin, "猜的密码-x")
    assert "登录失败次数太多" in text, text
    text = try_sign_in(b, admin, admin_password)
    assert "登录失败次数太多" in text, text
    step("throttled")
finally:
    for d in drivers:
        d.quit()
