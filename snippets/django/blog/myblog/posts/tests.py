from django.contrib.auth.models import User
from django.test import TestCase

from .models import Post


class PostModelTests(TestCase):
    def test_shown_by_its_title(self):
        post = Post.objects.create(title="Hello", content="My first post.")
        self.assertEqual(str(post), "Hello")

    def test_date_is_filled_in(self):
        post = Post.objects.create(title="Hello", content="My first post.")
        self.assertIsNotNone(post.published_date)


class PostAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        User.objects.create_superuser("admin", "admin@example.com", "test-password")

    def test_login_required(self):
        response = self.client.get("/admin/posts/post/")
        self.assertRedirects(response, "/admin/login/?next=/admin/posts/post/")

    def test_add_a_post(self):
        self.assertTrue(self.client.login(username="admin", password="test-password"))
        response = self.client.post(
            "/admin/posts/post/add/", {"title": "Hello", "content": "My first post."}
        )
        self.assertRedirects(response, "/admin/posts/post/")
        self.assertEqual(Post.objects.get().title, "Hello")

    def test_list_shows_titles(self):
        Post.objects.create(title="Hello", content="My first post.")
        self.client.login(username="admin", password="test-password")
        response = self.client.get("/admin/posts/post/")
        self.assertContains(response, "Hello")
